using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Build.Tests.Aws.Emulator;

/// <summary>The emulator's identity providers: STS AssumeRole and AssumeRoleWithWebIdentity, and SSO's GetRoleCredentials.</summary>
public sealed partial class AwsEmulator
{
    // AssumeRole and AssumeRoleWithWebIdentity answer alike: new temporary credentials for the role, usable at once.
    private IResult AssumeRole(string operation, System.Collections.Specialized.NameValueCollection form, string? callerKey)
    {
        var role = form["RoleArn"];
        var session = form["RoleSessionName"];
        if (string.IsNullOrEmpty(role) || string.IsNullOrEmpty(session))
        {
            return Error("sts", HttpStatusCode.BadRequest, "ValidationError", "RoleArn and RoleSessionName are required.");
        }

        var key = "ASIA" + Guid.NewGuid().ToString("N")[..16].ToUpperInvariant();
        var secret = Convert.ToBase64String(Guid.NewGuid().ToByteArray()) + "assumed";
        var token = "session-" + Guid.NewGuid().ToString("N");
        AddCredentials(key, secret, token);
        var assumed = new AssumedRole(operation, role, session, callerKey, key, form["WebIdentityToken"]);
        AssumedRoles.Enqueue(assumed);
        _roleArns[key] = $"arn:aws:sts::{Account}:assumed-role/{role[(role.LastIndexOf('/') + 1)..]}/{session}";
        var expiration = DateTime.UtcNow.AddHours(1).ToString("yyyy-MM-ddTHH:mm:ssZ");
        var subject = operation == "AssumeRoleWithWebIdentity" ? "<SubjectFromWebIdentityToken>repo:example/python-images</SubjectFromWebIdentityToken><Audience>sts.amazonaws.com</Audience>" : "";
        return Results.Text(
            $"""<{operation}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><{operation}Result>{subject}<Credentials><AccessKeyId>{key}</AccessKeyId><SecretAccessKey>{secret}</SecretAccessKey><SessionToken>{token}</SessionToken><Expiration>{expiration}</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROAEXAMPLE:{session}</AssumedRoleId><Arn>{_roleArns[key]}</Arn></AssumedRoleUser></{operation}Result><ResponseMetadata><RequestId>{Guid.NewGuid()}</RequestId></ResponseMetadata></{operation}Response>""",
            "text/xml");
    }

    // SSO GetRoleCredentials (REST-JSON, unsigned: the access token of the SSO login is the proof), as the SSO portal answers it.
    private IResult GetRoleCredentials(HttpContext http)
    {
        var token = http.Request.Headers["x-amz-sso_bearer_token"].ToString();
        var role = http.Request.Query["role_name"].ToString();
        var account = http.Request.Query["account_id"].ToString();
        var headers = http.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(",", h.Value.ToArray()), StringComparer.Ordinal);
        Requests.Enqueue(new RecordedRequest("sso", "GetRoleCredentials", "GET", http.Request.Path.Value ?? "", headers, [], SignatureValid: true));
        if (!SsoAccessTokens.Contains(token))
        {
            return Results.Json(new JsonObject { ["message"] = "Session token not found or invalid" }, statusCode: 401);
        }

        var key = "ASIA" + Guid.NewGuid().ToString("N")[..16].ToUpperInvariant();
        var secret = Convert.ToBase64String(Guid.NewGuid().ToByteArray()) + "sso";
        var session = "sso-session-" + Guid.NewGuid().ToString("N");
        AddCredentials(key, secret, session);
        AssumedRoles.Enqueue(new AssumedRole("GetRoleCredentials", $"arn:aws:iam::{account}:role/{role}", role, null, key, token));
        return Results.Text(new JsonObject
        {
            ["roleCredentials"] = new JsonObject
            {
                ["accessKeyId"] = key,
                ["secretAccessKey"] = secret,
                ["sessionToken"] = session,
                ["expiration"] = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds(),
            },
        }.ToJsonString(), "application/json");
    }

    private readonly ConcurrentDictionary<string, string> _roleArns = new(StringComparer.Ordinal);

    private string CallerArn(string? accessKey) =>
        accessKey is not null && _roleArns.TryGetValue(accessKey, out var arn) ? arn : $"arn:aws:iam::{Account}:user/builder";
}
