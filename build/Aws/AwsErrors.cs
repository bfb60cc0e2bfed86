using Cake.Core;

namespace Build.Aws;

/// <summary>Turns an AWS error answer into a message a user can act on.</summary>
public static class AwsErrors
{
    /// <summary>The message for an answer that rejects the credentials or the signature, or null for any other error.</summary>
    public static CakeException? CredentialsRejected(string what, AwsError error) =>
        error.Name is "UnrecognizedClientException" or "InvalidClientTokenId" or "InvalidSignatureException" or "SignatureDoesNotMatch"
            or "ExpiredToken" or "ExpiredTokenException" or "IncompleteSignature" or "MissingAuthenticationToken"
            ? new CakeException(
                $"{what}: AWS rejected the request's credentials or signature ({error}). Check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY " +
                "and AWS_SESSION_TOKEN (or the profile's keys); temporary credentials may have expired: refresh them (aws sso login, or a new session).")
            : null;

    /// <param name="resource">The IAM resource the call acts on (an ARN, or * for account-wide calls).</param>
    public static CakeException Explain(AwsService service, string operation, string resource, AwsError error)
    {
        var action = $"{service.IamPrefix}:{operation}";
        var requestId = error.RequestId is null ? "" : $" (request id {error.RequestId})";
        return error.Name switch
        {
            "AccessDeniedException" or "AccessDenied" or "UnauthorizedOperation" or "UnauthorizedException" => new CakeException(
                $"{service} {operation} was denied: the identity running the build lacks the IAM permission {action} on {resource}. " +
                $"Allow {action} on {resource} in its policy (or the repository policy). AWS said: {error.Message}{requestId}"),
            "RepositoryNotFoundException" => new CakeException(
                $"{service} {operation}: the repository {resource} does not exist ({error.Message}). Create it, or let Restore create it " +
                $"(it needs {service.IamPrefix}:CreateRepository){requestId}."),
            "RepositoryPolicyNotFoundException" or "RegistryPolicyNotFoundException" => new CakeException(
                $"{service} {operation}: {resource} has no policy ({error.Message}){requestId}."),
            "InvalidParameterException" or "ValidationException" or "SerializationException" => new CakeException(
                $"{service} {operation} rejected its input for {resource}: {error.Message}{requestId}. Check --repository and --tag-immutability."),
            "KmsException" => new CakeException(
                $"{service} {operation} for {resource}: the KMS key failed ({error.Message}){requestId}. Check the key policy."),
            _ => new CakeException(
                $"{service} {operation} for {resource} failed: {error.Name} (HTTP {(int)error.Status}): {error.Message}{requestId}."),
        };
    }
}
