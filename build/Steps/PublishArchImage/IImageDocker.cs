namespace Build.Steps.PublishArchImage;

/// <summary>The docker commands publishing needs: the seam that lets the publisher's branches run in-process without docker.</summary>
public interface IImageDocker
{
    /// <summary>The local image's RepoDigests (<c>repo@sha256:…</c>), from <c>docker image inspect</c>.</summary>
    IReadOnlyList<string> RepoDigests(string reference);

    /// <summary><c>docker push</c> with retries; the digest the successful push reported, or null when docker printed none.</summary>
    string? Push(string reference);
}
