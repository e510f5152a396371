using System;

namespace Amsha;

/// <summary>
/// How far one timer reaches: <c>Task.Delay</c>, <c>Task.WaitAsync</c> and <c>ITimer</c> take at most 4,294,967,294 ms
/// (about 49.7 days). Configured intervals are checked against it where they are set, not where a timer first refuses
/// them. Linked into each package that checks one (Amsha.Orleans uses Amsha's).
/// </summary>
internal static class TimerLimits
{
    public static readonly TimeSpan LongestWait = TimeSpan.FromMilliseconds(uint.MaxValue - 1.0);
}
