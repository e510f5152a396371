using System;
using System.Security.Cryptography;
using System.Threading;

namespace Amsha;

/// <summary>
/// Ids of LLM calls and <c>[AmshaLlmCall]</c> invocations: 24 hex digits, a random per-process prefix and a counter.
/// They only correlate one call's events, spans and logs, so they need to be unique, not unguessable; a GUID string
/// per call cost a third of the call path. Execution and request ids, which are stored, stay GUIDs.
/// </summary>
internal static class CallIds
{
    private static readonly uint s_prefix = (uint)RandomNumberGenerator.GetInt32(int.MaxValue);
    private static long s_counter;

    public static string Next()
    {
        var counter = (ulong)Interlocked.Increment(ref s_counter);
        return string.Create(24, (Prefix: s_prefix, Counter: counter), static (chars, id) =>
        {
            id.Prefix.TryFormat(chars[..8], out _, "x8");
            id.Counter.TryFormat(chars[8..], out _, "x16");
        });
    }
}
