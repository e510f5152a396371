using System;

namespace Amsha;

/// <summary>
/// Declares a crew without input: an ordered set of tasks. Apply it to an empty
/// <c>partial</c> class; the generator adds a constructor taking an
/// <see cref="ExecutionSession"/> and the members <c>RunAsync</c>, <c>Start</c> and
/// <c>StartBackground</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public class CrewAttribute : Attribute
{
    /// <summary>The crew's tasks, each a type marked <see cref="CrewTaskAttribute"/>, in order.</summary>
    public Type[] Tasks { get; set; } = Array.Empty<Type>();

    /// <summary>How the tasks are scheduled. <see cref="CrewProcess.Sequential"/> by default.</summary>
    public CrewProcess Process { get; set; } = CrewProcess.Sequential;
}

/// <summary>Declares a crew whose runs take a <typeparamref name="TInput"/>.</summary>
/// <typeparam name="TInput">The input type; its members fill the <c>{Placeholders}</c> of the crew's agents and tasks.</typeparam>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class CrewAttribute<TInput> : CrewAttribute
{
}

/// <summary>How a crew schedules its tasks.</summary>
public enum CrewProcess
{
    /// <summary>One task after the other, in the declared order.</summary>
    Sequential = 0,

    /// <summary>Each task starts as soon as its <c>Context</c> tasks are done; independent tasks run concurrently.</summary>
    Graph = 1,
}
