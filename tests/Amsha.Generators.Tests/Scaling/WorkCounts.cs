using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Amsha.Generators.Helpers;
using Amsha.Generators.LlmCalls;
using Amsha.Generators.Serialization;
using Microsoft.CodeAnalysis;

namespace Amsha.Generators.Tests.Scaling;

/// <summary>What one generator run did, counted.</summary>
/// <param name="EmittedCharacters">The length of every generated source, summed.</param>
/// <param name="StepOutputs">Outputs of the named pipeline steps (<see cref="TrackingNames"/>) and of the source outputs.</param>
/// <param name="Serialization">Types described, references shaped, steps of walks from roots (<see cref="SerializationRules.WorkFor"/>).</param>
/// <param name="SessionSearches">Types searched for their <c>ExecutionSession</c> member by the LLM-call generator.</param>
internal sealed record WorkCounts(long EmittedCharacters, long StepOutputs, SerializationWork Serialization, int SessionSearches)
{
    private static readonly HashSet<string> s_stepNames = typeof(TrackingNames)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToHashSet();

    /// <summary>Runs every Amsha generator over <paramref name="source"/>; fails if one throws.</summary>
    public static WorkCounts Generate(string source)
    {
        var compilation = GeneratorHarness.CreateCompilation(source);
        var run = GeneratorHarness.Run(compilation);
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "CS8785");
        Assert.All(run.Result.Results, r => Assert.Null(r.Exception));

        var results = run.Result.Results;
        return new WorkCounts(
            results.SelectMany(r => r.GeneratedSources).Sum(s => (long)s.SourceText.Length),
            results.SelectMany(r => r.TrackedSteps.Where(p => s_stepNames.Contains(p.Key)).Concat(r.TrackedOutputSteps))
                .SelectMany(p => p.Value)
                .Sum(step => (long)step.Outputs.Length),
            SerializationRules.WorkFor(compilation),
            LlmCallGenerator.Parser.SessionSearches(compilation));
    }

    /// <summary>
    /// Asserts that a count grows at most linearly: from each size to the next, the count may grow at most 1.2 times
    /// as much as the size did, and it must grow (a count that stays put measures nothing).
    /// </summary>
    public static void AssertLinear(string what, IReadOnlyList<int> sizes, IReadOnlyList<double> counts)
    {
        for (var i = 1; i < sizes.Count; i++)
        {
            var sizeRatio = (double)sizes[i] / sizes[i - 1];
            var countRatio = counts[i] / counts[i - 1];
            var trace = $"{what}: {string.Join(", ", sizes.Select((s, k) => $"{s} → {counts[k]}"))}";
            Assert.True(counts[i - 1] > 0 && counts[i] > counts[i - 1], "The count does not grow with the size. " + trace);
            Assert.True(countRatio <= 1.2 * sizeRatio, $"Grew {countRatio:F2}× for {sizeRatio:F0}× the size (at most {1.2 * sizeRatio:F1}×). {trace}");
        }
    }

    /// <summary><see cref="AssertLinear"/> for each count <paramref name="select"/> names, over runs at <paramref name="sizes"/>.</summary>
    public static void AssertLinear(IReadOnlyList<int> sizes, IReadOnlyList<WorkCounts> runs, params (string What, Func<WorkCounts, double> Count)[] select)
    {
        foreach (var (what, count) in select)
        {
            AssertLinear(what, sizes, runs.Select(count).ToList());
        }
    }
}
