namespace Cake.Frosting;

/// <summary>A configuration error of the Frosting host (a dependency that is not a task, a missing working directory).</summary>
public sealed class FrostingException : Exception
{
    public FrostingException(string message)
        : base(message)
    {
    }

    public FrostingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
