using System;
using System.Buffers;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Amsha;
using Amsha.Generated;
using Amsha.Serialization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace Amsha.Benchmarks;

public enum Confidence
{
    Low,
    Medium,
    High,
}

/// <summary>A realistic structured task output: a research report with a dozen findings.</summary>
[ExecutionState]
public sealed partial record ResearchReport(string Title, string Summary, DateTimeOffset CompletedAt, List<Finding> Findings, Dictionary<string, double> Scores, string[] Keywords);

public sealed record Finding(string Claim, string Evidence, Confidence Confidence, double Relevance, IReadOnlyList<Source> Sources, int? Year);

public sealed record Source(string Title, string Url, DateTime Accessed);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(ResearchReport))]
internal sealed partial class BenchmarkJsonContext : JsonSerializerContext;

/// <summary>Our generated codec against System.Text.Json reflection and its source-generated context, on the same JSON.</summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class SerializerBenchmarks
{
    private static readonly JsonSerializerOptions Reflection = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly JsonCodec<ResearchReport> _codec = JsonCodecs.Get<ResearchReport>();
    private readonly ArrayBufferWriter<byte> _utf8Buffer = new(16 * 1024);
    private readonly Utf8JsonWriter _utf8Writer = new(new ArrayBufferWriter<byte>(), new JsonWriterOptions { SkipValidation = true });
    private ResearchReport _report = null!;
    private string _json = null!;

    [GlobalSetup]
    public void Setup()
    {
        _report = Sample();
        _json = JsonCodecs.Serialize(_codec, _report);
        if (JsonSerializer.Serialize(_report, BenchmarkJsonContext.Default.ResearchReport) != _json || Serialize_AmshaUtf8() != _json)
        {
            throw new InvalidOperationException("The serializers disagree on the JSON; the comparison would not be fair.");
        }
    }

    [Benchmark(Baseline = true, Description = "STJ reflection")]
    [BenchmarkCategory("Serialize")]
    public string Serialize_StjReflection() => JsonSerializer.Serialize(_report, Reflection);

    [Benchmark(Description = "STJ source-gen")]
    [BenchmarkCategory("Serialize")]
    public string Serialize_StjSourceGen() => JsonSerializer.Serialize(_report, BenchmarkJsonContext.Default.ResearchReport);

    [Benchmark(Description = "Amsha codec")]
    [BenchmarkCategory("Serialize")]
    public string Serialize_Amsha() => JsonCodecs.Serialize(_codec, _report);

    [Benchmark(Description = "Amsha codec, UTF-8 path")]
    [BenchmarkCategory("Serialize")]
    public string Serialize_AmshaUtf8()
    {
        _utf8Buffer.ResetWrittenCount();
        _utf8Writer.Reset(_utf8Buffer);
        _codec.Write(_utf8Writer, _report);
        _utf8Writer.Flush();
        return Encoding.UTF8.GetString(_utf8Buffer.WrittenSpan);
    }

    [Benchmark(Baseline = true, Description = "STJ reflection")]
    [BenchmarkCategory("Deserialize")]
    public ResearchReport Deserialize_StjReflection() => JsonSerializer.Deserialize<ResearchReport>(_json, Reflection)!;

    [Benchmark(Description = "STJ source-gen")]
    [BenchmarkCategory("Deserialize")]
    public ResearchReport Deserialize_StjSourceGen() => JsonSerializer.Deserialize(_json, BenchmarkJsonContext.Default.ResearchReport)!;

    [Benchmark(Description = "Amsha codec")]
    [BenchmarkCategory("Deserialize")]
    public ResearchReport Deserialize_Amsha() => JsonCodecs.Deserialize(_codec, _json);

    [Benchmark(Description = "Amsha codec, UTF-8 path")]
    [BenchmarkCategory("Deserialize")]
    public ResearchReport Deserialize_AmshaUtf8()
    {
        var rented = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(_json.Length));
        var reader = new Utf8JsonReader(rented.AsSpan(0, Encoding.UTF8.GetBytes(_json, rented)));
        reader.Read();
        var report = _codec.Read(ref reader);
        ArrayPool<byte>.Shared.Return(rented);
        return report;
    }

    private static ResearchReport Sample()
    {
        var findings = Enumerable.Range(1, 12).Select(i => new Finding(
            $"Claim {i}: memory safety without a garbage collector reduces whole classes of defects.",
            $"Evidence {i}: a study of {i * 100} production incidents attributes most to memory errors — \"use after free\" & co.",
            (Confidence)(i % 3),
            0.5 + (i / 100.0),
            [new Source($"Paper {i}", $"https://example.org/papers/{i}", new DateTime(2024, 1, i, 10, 30, 0, DateTimeKind.Utc)), new Source($"Blog {i}", $"https://example.org/blog/{i}", new DateTime(2024, 2, i, 8, 0, 0, DateTimeKind.Utc))],
            i % 4 == 0 ? null : 2010 + i)).ToList();
        return new ResearchReport(
            "Rust in production",
            "An overview of the evidence on adopting Rust for systems software, with sources and confidence per finding.",
            new DateTimeOffset(2024, 6, 1, 12, 0, 0, TimeSpan.FromHours(2)),
            findings,
            new Dictionary<string, double> { ["safety"] = 0.93, ["performance"] = 0.88, ["tooling"] = 0.81, ["hiring"] = 0.42 },
            ["rust", "memory safety", "systems", "adoption", "ownership"]);
    }
}
