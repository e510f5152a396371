using System;
using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace Amsha.Tests.Serialization;

public enum Mood
{
    Calm,
    Excited,
    @class,
}

/// <summary>Every supported shape in one record (constructor-bound members).</summary>
[ExecutionState]
public sealed partial record Everything(
    bool Flag,
    byte Byte,
    sbyte SByte,
    short Short,
    ushort UShort,
    int Int,
    uint UInt,
    long Long,
    ulong ULong,
    float Float,
    double Double,
    decimal Decimal,
    char Char,
    string Text,
    string? MaybeText,
    DateTime When,
    DateTimeOffset WhenOffset,
    TimeSpan Duration,
    Guid Id,
    Mood Mood,
    int? MaybeNumber,
    Mood? MaybeMood,
    int[] Numbers,
    List<string> Words,
    IReadOnlyList<Node> Nodes,
    Dictionary<string, int> Counts,
    Dictionary<string, Node?> Lookup,
    List<List<int>> Matrix,
    Node? Child,
    Point Location,
    Point? MaybeLocation);

/// <summary>A class bound through settable and init-only properties, recursive through <see cref="Children"/>.</summary>
[ExecutionState]
public sealed partial class Node
{
    public string Name { get; set; } = "";

    [JsonPropertyName("n_value")]
    public int Value { get; init; }

    public List<Node>? Children { get; set; }

    [JsonIgnore]
    public object? Ignored { get; set; }

    public int Computed => Value * 2;
}

/// <summary>A value type.</summary>
public readonly record struct Point(double X, double Y);

/// <summary>Optional constructor parameters keep their declared defaults when absent.</summary>
[ExecutionState]
public sealed partial record Defaults(string Name, int Count = 7, string Label = "none", Mood Mood = Mood.Excited);

/// <summary>A small realistic task output.</summary>
[ExecutionState]
public sealed partial record Verdict(string Decision, int Confidence, List<string> Reasons);

/// <summary>Only settable properties: read in place into a new instance, so an absent member keeps its initializer.</summary>
[ExecutionState]
public sealed partial class Settings
{
    public string Theme { get; set; } = "light";

    public int Retries { get; set; } = 3;

    public List<string>? Tags { get; set; }

    public Mood? Mood { get; set; }

    public int[]? Scores { get; set; }

    public IReadOnlyList<string>? Labels { get; set; }
}
