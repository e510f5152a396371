using System;
using Microsoft.CodeAnalysis.CSharp;

namespace Amsha.TestKit;

/// <summary>
/// The compiler that these sources are built against, and so the one the harness compiles test code
/// with. <c>Amsha.TestKit</c> and <c>Amsha.Generators.Tests</c> use the Roslyn the generator and
/// analyzers are built against (4.8, C# 12); <c>Amsha.Generators.Tests.Roslyn5</c> compiles the same
/// sources against the Roslyn the .NET SDK ships (5.9, C# 14) and defines <c>AMSHA_ROSLYN5_LANE</c>.
/// The harness parses at <see cref="LanguageVersion.Latest"/> (<see cref="GeneratorHarness.ParseOptions"/>),
/// which each compiler maps to its own newest version.
/// </summary>
public static class CompilerLane
{
#if AMSHA_ROSLYN5_LANE
    /// <summary>Short name of the lane, used where the lanes would otherwise write the same file.</summary>
    public const string Name = "roslyn5";

    /// <summary>Major and minor version of the Roslyn assemblies this lane must load.</summary>
    public static readonly Version CompilerVersion = new(5, 9);

    /// <summary>The language version <see cref="LanguageVersion.Latest"/> means for that compiler.</summary>
    public const LanguageVersion NewestLanguageVersion = LanguageVersion.CSharp14;

    /// <summary>Ending of the file a snapshot mismatch writes (both lanes may run at once).</summary>
    public const string ReceivedSnapshotSuffix = ".roslyn5.received.txt";
#else
    /// <summary>Short name of the lane, used where the lanes would otherwise write the same file.</summary>
    public const string Name = "roslyn4";

    /// <summary>Major and minor version of the Roslyn assemblies this lane must load.</summary>
    public static readonly Version CompilerVersion = new(4, 8);

    /// <summary>The language version <see cref="LanguageVersion.Latest"/> means for that compiler.</summary>
    public const LanguageVersion NewestLanguageVersion = LanguageVersion.CSharp12;

    /// <summary>Ending of the file a snapshot mismatch writes (both lanes may run at once).</summary>
    public const string ReceivedSnapshotSuffix = ".received.txt";
#endif
}
