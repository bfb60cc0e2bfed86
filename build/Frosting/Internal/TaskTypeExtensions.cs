using System.Reflection;
using Cake.Core;

namespace Cake.Frosting.Internal;

internal static class TaskTypeExtensions
{
    // As Cake.Frosting: [TaskName] (not inherited), else the class name as it is.
    public static string GetTaskName(this Type type) =>
        type.GetCustomAttribute<TaskNameAttribute>()?.Name ?? type.Name;

    public static string? GetTaskDescription(this Type type) =>
        type.GetCustomAttribute<TaskDescriptionAttribute>()?.Description;

    public static bool IsContinueOnError(this Type type) =>
        type.GetCustomAttribute<ContinueOnErrorAttribute>() is not null;

    // The TContext of FrostingTask<TContext>/AsyncFrostingTask<TContext>.
    public static Type GetContextType(this Type type)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (current.IsGenericType &&
                (current.GetGenericTypeDefinition() == typeof(FrostingTask<>) ||
                 current.GetGenericTypeDefinition() == typeof(AsyncFrostingTask<>)))
            {
                return current.GenericTypeArguments[0];
            }
        }

        return typeof(ICakeContext);
    }

    // Frosting registers only what a task overrides: no Does/criteria/OnError/Finally for the base no-ops.
    public static bool Overrides(this Type type, string method, params Type[] parameters)
    {
        var info = type.GetMethod(method, BindingFlags.Public | BindingFlags.Instance, parameters);
        return info is not null && info.GetBaseDefinition().DeclaringType != info.DeclaringType;
    }
}
