using System;
using System.Security.Cryptography;

namespace Amsha;

/// <summary>
/// Ids of executions and input requests: random (version 4) GUIDs in the "N" format, as
/// <c>Guid.NewGuid().ToString("N")</c> makes them, from the operating system's cryptographic generator.
/// </summary>
/// <remarks>
/// They are stored, shared between processes and may appear in URLs, so they stay unguessable. What changes is how the
/// random bytes are fetched: <see cref="Guid.NewGuid"/> asks the kernel for each GUID (a system call, about 0.7 µs on
/// Linux virtual machines, a tenth of a whole crew run), while each thread here takes 128 GUIDs' worth per call.
/// </remarks>
internal static class ExecutionIds
{
    private const int GuidBytes = 16;
    private const int GuidsPerFill = 128;

    [ThreadStatic]
    private static byte[]? t_random;

    [ThreadStatic]
    private static int t_used;

    public static string Next()
    {
        var random = t_random;
        if (random is null || t_used == random.Length)
        {
            random = t_random ??= new byte[GuidBytes * GuidsPerFill];
            RandomNumberGenerator.Fill(random);
            t_used = 0;
        }

        var bytes = random.AsSpan(t_used, GuidBytes);
        t_used += GuidBytes;

        // The version and variant bits of a random GUID (RFC 9562, version 4), in Guid's byte order.
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        var id = new Guid(bytes).ToString("N");

        // Used bytes are not kept where a later reader of this buffer could find them.
        bytes.Clear();
        return id;
    }
}
