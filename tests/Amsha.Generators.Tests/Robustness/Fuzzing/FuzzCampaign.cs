using System;
using System.Collections.Concurrent;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using CsCheck;

namespace Amsha.Generators.Tests.Robustness.Fuzzing;

/// <summary>
/// Runs a fixed, reproducible set of generated cases (case <c>i</c> of stream <c>s</c> is always the
/// same program), then hands the first failure to CsCheck, which searches for a smaller failing
/// program and saves it to <see cref="CorpusFolder"/>, where <c>Saved_programs_...</c> replays it.
/// </summary>
/// <remarks>
/// <c>AMSHA_FUZZ_CASES</c> changes the number of cases and <c>AMSHA_FUZZ_FIRST_CASE</c> where they
/// start, for longer explorations outside CI. <c>AMSHA_FUZZ_TRACE</c> names a folder where each case's
/// program is written as it starts and deleted when it passes: the programs of cases that failed or killed
/// the test process are left there.
/// </remarks>
internal static class FuzzCampaign
{
    public static string CorpusFolder { get; } = Path.Combine(ThisFolder(), "Corpus");

    /// <summary>
    /// Runs the cases; fails on any problem, and when fewer than <paramref name="minimumCompiling"/> of them
    /// compiled (so that the generated code was compiled too): a generator that drifted into producing only
    /// broken programs would otherwise check little and still pass.
    /// </summary>
    public static async Task RunAsync(Gen<DeclarationProgram> programs, uint stream, int cases, double minimumCompiling, Func<string, Task<FuzzVerdict>> judge)
    {
        // The two compiler lanes run different cases, so CI covers twice as many.
        stream += CompilerLane.Name == "roslyn5" ? 100u : 0u;
        cases = int.TryParse(Environment.GetEnvironmentVariable("AMSHA_FUZZ_CASES"), out var configured) ? configured : cases;
        var first = long.TryParse(Environment.GetEnvironmentVariable("AMSHA_FUZZ_FIRST_CASE"), out var start) ? start : 0;

        var trace = Environment.GetEnvironmentVariable("AMSHA_FUZZ_TRACE") is { Length: > 0 } tracePath ? new CaseTrace(tracePath) : null;

        var failures = new ConcurrentBag<(long Case, string Problem)>();
        var compiling = 0;
        await Parallel.ForAsync(first, first + cases, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, async (index, cancellationToken) =>
        {
            var source = programs.Generate(new PCG(stream, (ulong)index), null, out _).Render();
            trace?.Started(stream, index, source);
            var verdict = await judge(source).ConfigureAwait(false);
            if (verdict.Problem is { } problem)
            {
                failures.Add((index, problem));
            }
            else
            {
                trace?.Passed(stream, index);
            }

            if (verdict.OutputCompiled)
            {
                Interlocked.Increment(ref compiling);
            }

        }).ConfigureAwait(false);

        if (failures.IsEmpty)
        {
            Assert.True(compiling >= minimumCompiling * cases, $"Only {compiling} of {cases} programs compiled; at least {minimumCompiling:P0} should, so that the generated code is checked.");
            return;
        }

        // A slow case is reported with how to run it alone; shrinking it could take the bound once per try.
        var ordered = failures.OrderBy(f => f.Case).ToList();
        var (failingCase, firstProblem) = ordered.FirstOrDefault(f => !f.Problem.StartsWith(FuzzCase.TooSlow, StringComparison.Ordinal)) is { Problem: not null } fast ? fast : ordered[0];
        var shrunk = firstProblem.StartsWith(FuzzCase.TooSlow, StringComparison.Ordinal)
            ? $"Run it alone with AMSHA_FUZZ_FIRST_CASE={failingCase} AMSHA_FUZZ_CASES=1."
            : await ShrinkAsync(programs, new PCG(stream, (ulong)failingCase).ToString(), async source => (await judge(source).ConfigureAwait(false)).Problem, CorpusFolder).ConfigureAwait(false);
        Assert.Fail($"{failures.Count} of {cases} cases failed. Case {failingCase} of stream {stream}: {firstProblem}\n\n{shrunk}");
    }

    /// <summary>
    /// Lets CsCheck look for a smaller program that fails too, starting from <paramref name="seed"/>;
    /// saves the smallest to <paramref name="folder"/> and returns CsCheck's report.
    /// </summary>
    public static async Task<string> ShrinkAsync(Gen<DeclarationProgram> programs, string seed, Func<string, Task<string?>> check, string folder, int attempts = 300)
    {
        try
        {
            await programs.SampleAsync(
                async program =>
                {
                    if (await check(program.Render()).ConfigureAwait(false) is { } problem)
                    {
                        throw new InvalidOperationException(problem);
                    }
                },
                seed: seed,
                iter: attempts,
                threads: 1,
                print: program => Save(program, folder)).ConfigureAwait(false);
            return $"The failure did not recur from seed {seed}.";
        }
        catch (Exception shrunk)
        {
            return "Smallest failing program found: " + shrunk.Message;
        }
    }

    /// <summary>Writes the program to the corpus (named by its content, so saving twice is harmless) and describes it.</summary>
    public static string Save(DeclarationProgram program, string folder)
    {
        var source = program.Render();
        var name = "found-" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(source)), 0, 6).ToLowerInvariant() + ".cs";
        var path = Path.Combine(folder, name);
        try
        {
            Directory.CreateDirectory(folder);
            File.WriteAllText(path, source);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A read-only checkout: keep the case anyway.
            path = Path.Combine(Path.GetTempPath(), name);
            File.WriteAllText(path, source);
        }

        return $"saved to {path}\n{source}";
    }

    /// <summary>Keeps the program of every case in flight on disk, so one that kills the process is not lost.</summary>
    private sealed class CaseTrace
    {
        private readonly string _folder;

        public CaseTrace(string folder) => _folder = Directory.CreateDirectory(folder).FullName;

        public void Started(uint stream, long index, string source) => File.WriteAllText(PathOf(stream, index), source);

        public void Passed(uint stream, long index) => File.Delete(PathOf(stream, index));

        private string PathOf(uint stream, long index) => Path.Combine(_folder, $"case-{stream}-{index}.cs");
    }

    private static string ThisFolder([CallerFilePath] string thisFile = "") => Path.GetDirectoryName(thisFile)!;
}
