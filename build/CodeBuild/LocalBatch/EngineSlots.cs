namespace Build.CodeBuild.LocalBatch;

/// <summary>
/// Admission of nodes to this machine's one Docker engine: at most <c>parallel</c> nodes at once, and only nodes of one
/// ARCH at a time. In CodeBuild every node has its own engine; here they share one, and the classic builder resolves
/// FROM through the local tag, so an arm64 pull of a base can replace the amd64 one under an amd64 build running at
/// the same moment (BuildImage then fails: "was built for linux/arm64/v8, not linux/amd64"). Nodes without ARCH
/// (manifest nodes build nothing) are admitted with any. Nodes in containers of their own have an engine each: then only
/// the count holds.
/// </summary>
public sealed class EngineSlots(int parallel, bool oneArchAtATime = true)
{
    private readonly object _gate = new();
    private readonly Dictionary<string, int> _byArch = new(StringComparer.Ordinal);
    private int _running;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task EnterAsync(string? arch, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                var otherArch = oneArchAtATime && arch is not null && _byArch.Any(a => a.Key != arch && a.Value > 0);
                if (_running < parallel && !otherArch)
                {
                    _running++;
                    if (arch is not null)
                    {
                        _byArch[arch] = _byArch.GetValueOrDefault(arch) + 1;
                    }

                    return;
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(cancellationToken);
        }
    }

    public void Leave(string? arch)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _running--;
            if (arch is not null)
            {
                _byArch[arch]--;
            }

            changed = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }
}
