namespace Build.Context;

/// <summary>
/// A task that can say what it would do. Under --dryrun, Setup prints each planned task's commands
/// (rendered by the same code that runs them), and Cake then runs no task.
/// </summary>
public interface IPlannedTask
{
    IEnumerable<string> Plan(BuildContext context);
}
