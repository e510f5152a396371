using System;
using System.Threading;

namespace Amsha;

/// <summary>
/// Which layout of the OpenTelemetry GenAI semantic conventions Amsha emits. The default is the pinned release
/// (<see cref="PinnedVersion"/>, the last release of the conventions in the open-telemetry/semantic-conventions
/// repository before GenAI moved to its own repository); <c>OTEL_SEMCONV_STABILITY_OPT_IN</c> containing
/// <c>gen_ai_latest_experimental</c> switches to the newer, still experimental layout (see docs/monitoring.md).
/// The variable is read once per process.
/// </summary>
internal static class GenAiConventions
{
    /// <summary>The release of the semantic conventions the default layout follows.</summary>
    public const string PinnedVersion = "1.41.0";

    /// <summary>The environment variable the OpenTelemetry conventions name for the switch.</summary>
    public const string OptInVariable = "OTEL_SEMCONV_STABILITY_OPT_IN";

    /// <summary>The value (in the comma-separated list) that selects the newer layout.</summary>
    public const string LatestExperimental = "gen_ai_latest_experimental";

    private static readonly bool s_fromEnvironment = Requests(Environment.GetEnvironmentVariable(OptInVariable));

    // Tests choose a layout for their own run; the default comes from the environment.
    private static int s_override = -1;

    /// <summary>Whether the newer layout is in force.</summary>
    public static bool UseLatest
    {
        get
        {
            var chosen = Volatile.Read(ref s_override);
            return chosen < 0 ? s_fromEnvironment : chosen == 1;
        }
    }

    /// <summary>Whether an <c>OTEL_SEMCONV_STABILITY_OPT_IN</c> value asks for the newer GenAI layout.</summary>
    internal static bool Requests(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        foreach (var part in value.Split(','))
        {
            if (part.Trim().Equals(LatestExperimental, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A seam for tests: forces a layout until the returned scope is disposed (tests using it run alone).</summary>
    internal static IDisposable UseLayoutForTests(bool latest)
    {
        Volatile.Write(ref s_override, latest ? 1 : 0);
        return new Restore();
    }

    private sealed class Restore : IDisposable
    {
        public void Dispose() => Volatile.Write(ref s_override, -1);
    }
}
