namespace Cake.Frosting;

/// <summary>The task's name on the command line and in the report.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class TaskNameAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}
