namespace Cake.Frosting;

/// <summary>Reverse dependency: <see cref="Task"/> runs after this task.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class IsDependeeOfAttribute(Type task) : Attribute
{
    public Type Task { get; } = task;
}
