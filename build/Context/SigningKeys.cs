using Build.Aws;
using Build.Signing;
using Cake.Common.Diagnostics;
using Cake.Core;
using Cake.Core.IO;

namespace Build.Context;

/// <summary>
/// The one place that reads signing keys: --signing-key (a PEM file or awskms:///…), else SIGNING_KEY (the PEM itself,
/// or awskms:///…), and --public-key for verifying. A private key is parsed into memory here and goes nowhere else: no
/// log, no argument list, no file. Without any key nothing is signed.
/// </summary>
public sealed class SigningKeys : IDisposable
{
    private readonly Dictionary<string, AwsClient> _aws = new(StringComparer.Ordinal);
    private readonly BuildOptions? _options;
    private readonly ICakeEnvironment? _environment;
    private readonly Action<string> _log;
    private KeyReference? _publicKey;
    private Task<SignatureVerifier>? _verifier;

    private SigningKeys(BuildOptions? options, ICakeEnvironment? environment, Action<string> log)
    {
        _options = options;
        _environment = environment;
        _log = log;
    }

    /// <summary>No key: the state of a run that signs nothing (and of --dryrun, which reads no key).</summary>
    public static SigningKeys Empty { get; } = new(null, null, _ => { });

    /// <summary>The key this run signs with; null when none was given (nothing is signed).</summary>
    public ISigner? Signer { get; private set; }

    /// <summary>True when VerifyImage (or --verify) has a public key: --public-key, or the signing key's public half.</summary>
    public bool CanVerify => _publicKey is not null || Signer is not null;

    public static SigningKeys Load(BuildOptions options, ICakeEnvironment environment, Action<string> log)
    {
        var keys = new SigningKeys(options, environment, log);
        try
        {
            keys.Signer = keys.ReadSigner();
            if (options.PublicKey is { } reference)
            {
                keys._publicKey = KeyReference.Parse(reference, "--" + Arguments.PublicKey);
                if (keys._publicKey is KeyFileReference file)
                {
                    keys._verifier = Task.FromResult(SignatureVerifier.FromPem(keys.ReadKeyFile(file.Path, "--" + Arguments.PublicKey), $"the public key file {file.Path}"));
                }
            }
        }
        catch
        {
            keys.Dispose();
            throw;
        }

        return keys;
    }

    /// <summary>
    /// Setup's part: reads the keys when a task signs or verifies (not under --dryrun), says which key signs, and fails
    /// early when verifying has no key.
    /// </summary>
    public static void Setup(BuildContext context, BuildOptions options, IReadOnlyCollection<string> tasks)
    {
        var verifies = options.Verify || tasks.Contains(TaskNames.VerifyImage, StringComparer.OrdinalIgnoreCase);
        if (options.Verify && !tasks.Contains(TaskNames.PushManifest, StringComparer.OrdinalIgnoreCase))
        {
            throw new CakeException(
                $"--{Arguments.Verify} is the last step of {TaskNames.PushManifest} (and {TaskNames.Publish}), which this run does not include: " +
                $"run --target={TaskNames.VerifyImage} to verify on its own.");
        }

        if (options.DryRun || !tasks.Intersect(TaskNames.UseSigningKey, StringComparer.OrdinalIgnoreCase).Any())
        {
            return;
        }

        var keys = Load(options, context.Environment, line => context.Verbose("{0}", line));
        context.InitializeSigning(keys);
        if (verifies && !keys.CanVerify)
        {
            throw new CakeException(
                $"{(options.Verify ? "--" + Arguments.Verify : TaskNames.VerifyImage)} needs a key: pass --{Arguments.PublicKey}=<PEM file> (or awskms:///<key>), " +
                $"or the signing key (--{Arguments.SigningKey} or {EnvVars.SigningKey}).");
        }

        if (tasks.Contains(TaskNames.PushImage, StringComparer.OrdinalIgnoreCase) || tasks.Contains(TaskNames.PushManifest, StringComparer.OrdinalIgnoreCase))
        {
            context.Information(keys.Signer is { } signer
                ? $"Signing with {signer.Description} (cosign format: .sig and .att beside each image)."
                : $"No signing key (--{Arguments.SigningKey} or {EnvVars.SigningKey}): nothing will be signed or attested.");
        }
    }

    /// <summary>
    /// Restore's part: the signing key signs a probe that its public half verifies, before anything is pushed (for a KMS
    /// key: it exists, is an ECC_NIST_P256 signing key, and this identity may call GetPublicKey and Sign).
    /// </summary>
    public async Task CheckAsync(Action<string> log, CancellationToken ct = default)
    {
        if (Signer is null)
        {
            return;
        }

        var probe = "python-images signing check"u8.ToArray();
        var verifier = await Signer.GetVerifierAsync(ct).ConfigureAwait(false);
        var signature = await Signer.SignAsync(probe, ct).ConfigureAwait(false);
        if (!verifier.Verify(probe, signature))
        {
            throw new CakeException($"{Signer.Description} made a signature its own public key does not verify: check the key.");
        }

        log($"Signing key {Signer.Description} signs and verifies.");
    }

    /// <summary>Whether a signing key is given at all (for --dryrun's plan, which reads none).</summary>
    public static bool IsConfigured(BuildOptions options, ICakeEnvironment environment) =>
        options.SigningKey is not null || !string.IsNullOrWhiteSpace(environment.GetEnvironmentVariable(EnvVars.SigningKey));

    /// <summary>The key verification uses: --public-key, else the signing key's public half.</summary>
    public Task<SignatureVerifier> PublicKeyAsync(CancellationToken ct = default) => _verifier ??= _publicKey switch
    {
        KmsKeyReference kms => LoadKmsPublicKeyAsync(kms, ct),
        _ when Signer is not null => Signer.GetVerifierAsync(ct),
        _ => throw new CakeException(
            $"Nothing to verify with: pass --{Arguments.PublicKey}=<PEM file> (or awskms:///<key>), or the signing key " +
            $"(--{Arguments.SigningKey} or {EnvVars.SigningKey}), whose public half is then used."),
    };

    public void Dispose()
    {
        (Signer as IDisposable)?.Dispose();
        foreach (var client in _aws.Values)
        {
            client.Dispose();
        }
    }

    private ISigner? ReadSigner()
    {
        if (_options!.SigningKey is { } argument)
        {
            return KeyReference.Parse(argument, "--" + Arguments.SigningKey) switch
            {
                KmsKeyReference kms => new KmsSigner(Kms(kms), kms),
                KeyFileReference file => PemSigner.FromPem(ReadKeyFile(file.Path, "--" + Arguments.SigningKey), $"the key file {file.Path}"),
                _ => null,
            };
        }

        if (_environment!.GetEnvironmentVariable(EnvVars.SigningKey)?.Trim() is not { Length: > 0 } value)
        {
            return null;
        }

        if (value.StartsWith(KeyReference.KmsScheme, StringComparison.OrdinalIgnoreCase))
        {
            var kms = KmsKeyReference.Parse(value, EnvVars.SigningKey);
            return new KmsSigner(Kms(kms), kms);
        }

        // Never echo the value: it may be a key in a format this does not read.
        return value.Contains("-----BEGIN", StringComparison.Ordinal)
            ? PemSigner.FromPem(value, EnvVars.SigningKey)
            : throw new CakeException(
                $"{EnvVars.SigningKey} holds neither a PEM private key (\"-----BEGIN PRIVATE KEY-----\" …) nor an awskms:/// key reference. " +
                $"Put the PEM text itself in it (a file path goes in --{Arguments.SigningKey}=<file>).");
    }

    /// <summary>KMS in the key ARN's region, else the run's (--region, AWS_REGION, AWS_DEFAULT_REGION, the profile).</summary>
    private KmsClient Kms(KmsKeyReference key)
    {
        var region = key.Region ?? _options!.Region ?? "";
        if (!_aws.TryGetValue(region, out var client))
        {
            AwsSettings settings;
            try
            {
                settings = AwsSettings.Resolve(key.Region ?? _options!.Region, host: null, _environment!.GetEnvironmentVariable);
            }
            catch (CakeException e)
            {
                throw new CakeException($"The KMS key {key} needs AWS credentials and a region (the key ARN's, --region or AWS_REGION): {e.Message}");
            }

            _aws[region] = client = new AwsClient(settings, _log);
        }

        return new KmsClient(client);
    }

    private async Task<SignatureVerifier> LoadKmsPublicKeyAsync(KmsKeyReference key, CancellationToken ct) =>
        SignatureVerifier.FromSubjectPublicKeyInfo(await Kms(key).GetPublicKeyAsync(key.KeyId, ct).ConfigureAwait(false), key.ToString());

    private string ReadKeyFile(string path, string option)
    {
        var full = new FilePath(path).MakeAbsolute(_environment!).FullPath;
        try
        {
            return File.ReadAllText(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CakeException($"{option} '{path}' cannot be read ({e.Message.TrimEnd('.')}): give the path of a PEM file.");
        }
    }
}
