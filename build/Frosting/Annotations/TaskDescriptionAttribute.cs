namespace Cake.Frosting;

/// <summary>Shown by <c>--description</c>.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class TaskDescriptionAttribute(string description) : Attribute
{
    public string Description { get; } = description;
}
