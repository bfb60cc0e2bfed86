using System.Net;

namespace Build.Registry;

/// <summary>
/// A registry call that failed, with a message naming the registry, repository, reference, HTTP status,
/// the registry's own error and what to do. Cake prints an exception's message alone (the stack trace only at
/// diagnostic verbosity); Cake 7's CakeException is sealed, so this derives from Exception.
/// </summary>
public sealed class RegistryException(
    string message,
    HttpStatusCode? statusCode = null,
    IReadOnlyList<string>? errorCodes = null,
    Exception? innerException = null)
    : Exception(message, innerException)
{
    /// <summary>The HTTP status the registry answered, or null when there was no answer.</summary>
    public HttpStatusCode? StatusCode { get; } = statusCode;

    /// <summary>The registry's error codes (e.g. MANIFEST_UNKNOWN, UNAUTHORIZED), when it sent any.</summary>
    public IReadOnlyList<string> ErrorCodes { get; } = errorCodes ?? [];
}
