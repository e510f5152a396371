using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;

namespace Amsha.Tests.Serialization;

public sealed class ExecutionStateTests
{
    private static readonly Verdict Sample = new("ship", 8, ["tests pass", "docs done"]);

    [Fact]
    public void Set_Get_Remove_and_Keys()
    {
        var state = new ExecutionState();
        state.Set("verdict", Sample);
        state.Set("node", new Node { Name = "n", Value = 2 });

        Assert.Equal(["node", "verdict"], state.Keys);
        Assert.Equal(Sample.Decision, state.Get<Verdict>("verdict").Decision);
        Assert.Equal(Sample.Reasons, state.Get<Verdict>("verdict").Reasons);
        Assert.True(state.Remove("node"));
        Assert.False(state.Remove("node"));
        Assert.Equal(["verdict"], state.Keys);
        Assert.Throws<KeyNotFoundException>(() => state.Get<Node>("node"));
        Assert.False(state.TryGet<Node>("node", out _));
    }

    [Fact]
    public void Version_increments_on_every_change_and_Timestamp_moves_forward()
    {
        var state = new ExecutionState();
        var start = state.Timestamp;
        Assert.Equal(0, state.Version);

        state.Set("a", Sample);
        state.Set("a", Sample);
        var afterSets = state.Timestamp;
        state.Remove("a");
        state.Remove("a");

        Assert.Equal(3, state.Version);
        Assert.True(afterSets > start);
        Assert.True(state.Timestamp > afterSets);
    }

    [Fact]
    public void Stored_values_are_copies_and_Snapshot_is_independent()
    {
        var state = new ExecutionState();
        var reasons = new List<string> { "one" };
        state.Set("verdict", new Verdict("a", 1, reasons));
        reasons.Add("changed after Set");

        var snapshot = state.Snapshot();
        state.Set("verdict", new Verdict("b", 2, []));
        snapshot.Set("other", Sample);

        Assert.Equal(["one"], snapshot.Get<Verdict>("verdict").Reasons);
        Assert.Equal("b", state.Get<Verdict>("verdict").Decision);
        Assert.False(state.ContainsKey("other"));
        Assert.Equal(2, snapshot.Version);
    }

    [Fact]
    public void Save_and_Load_round_trip_values_version_and_timestamp()
    {
        var state = new ExecutionState();
        state.Set("verdict", Sample);
        state.Set("tree", new Node { Name = "root", Value = 1, Children = [new Node { Name = "leaf", Value = 2 }] });

        var loaded = ExecutionState.Load(state.Save());

        Assert.Equal(state.Keys, loaded.Keys);
        Assert.Equal(state.Version, loaded.Version);
        Assert.Equal(state.Timestamp, loaded.Timestamp);
        Assert.Equal("leaf", loaded.Get<Node>("tree").Children![0].Name);
        Assert.Equal(state.Save(), loaded.Save());
    }

    [Fact]
    public void The_saved_form_carries_a_format_version_and_a_checksum()
    {
        var state = new ExecutionState();
        state.Set("verdict", Sample);

        var saved = JsonNode.Parse(state.Save())!;

        Assert.Equal(ExecutionState.FormatVersion, (int)saved["formatVersion"]!);
        Assert.StartsWith("sha256:", (string)saved["checksum"]!, StringComparison.Ordinal);
        Assert.Equal("ship", (string)saved["content"]!["values"]!["verdict"]!["decision"]!);
    }

    [Fact]
    public void Truncated_text_is_reported_as_truncated()
    {
        var saved = SavedSample();

        foreach (var length in new[] { 1, saved.Length / 2, saved.Length - 1 })
        {
            var error = Assert.Throws<ExecutionStateException>(() => ExecutionState.Load(saved.Substring(0, length)));
            Assert.True(error.Reason == ExecutionStateFailure.Truncated, length + ": " + error.Message);
            Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Altered_content_is_reported_as_a_checksum_mismatch()
    {
        var altered = SavedSample().Replace("\"confidence\":8", "\"confidence\":9", StringComparison.Ordinal);

        var error = Assert.Throws<ExecutionStateException>(() => ExecutionState.Load(altered));

        Assert.Equal(ExecutionStateFailure.ChecksumMismatch, error.Reason);
        Assert.Contains("altered", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("this is not json")]
    [InlineData("{\"format\": nope}")]
    public void Non_JSON_is_reported_as_not_JSON(string text)
    {
        var error = Assert.Throws<ExecutionStateException>(() => ExecutionState.Load(text));

        Assert.Equal(ExecutionStateFailure.NotJson, error.Reason);
    }

    [Fact]
    public void A_newer_format_version_is_refused_with_the_versions_named()
    {
        var future = SavedSample().Replace("\"formatVersion\":1", "\"formatVersion\":2", StringComparison.Ordinal);

        var error = Assert.Throws<ExecutionStateException>(() => ExecutionState.Load(future));

        Assert.Equal(ExecutionStateFailure.UnsupportedVersion, error.Reason);
        Assert.Contains("format version 2", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("[]")]
    [InlineData("{\"format\":\"amsha.execution-state\",\"formatVersion\":1}")]
    [InlineData("{\"format\":\"amsha.execution-state\",\"formatVersion\":1,\"content\":{}}")]
    [InlineData("{\"format\":\"something-else\",\"formatVersion\":1,\"checksum\":\"x\",\"content\":{}}")]
    public void Json_that_is_not_a_saved_state_is_reported_as_invalid(string text)
    {
        var error = Assert.Throws<ExecutionStateException>(() => ExecutionState.Load(text));

        Assert.Equal(ExecutionStateFailure.InvalidStructure, error.Reason);
    }

    [Fact]
    public void Common_scalars_need_no_wrapper_record()
    {
        var state = new ExecutionState();
        var when = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.FromHours(1));
        state.Set("count", 42);
        state.Set("done", true);
        state.Set("when", when);
        state.Set("took", TimeSpan.FromSeconds(90));
        state.Set("note", "text");

        var loaded = ExecutionState.Load(state.Save());

        Assert.Equal(42, loaded.Get<int>("count"));
        Assert.True(loaded.Get<bool>("done"));
        Assert.Equal(when, loaded.Get<DateTimeOffset>("when"));
        Assert.Equal(TimeSpan.FromSeconds(90), loaded.Get<TimeSpan>("took"));
        Assert.Equal("text", loaded.Get<string>("note"));
        Assert.Throws<InvalidOperationException>(() => loaded.Get<int>("note"));
    }

    [Fact]
    public void A_type_without_a_generated_serializer_is_named_with_what_to_do()
    {
        var state = new ExecutionState();

        var error = Assert.Throws<InvalidOperationException>(() => state.Set("x", new Uri("https://example.invalid/")));

        Assert.Contains("System.Uri", error.Message, StringComparison.Ordinal);
        Assert.Contains("[ExecutionState]", error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => state.Get<Uri>("x"));
    }

    [Fact]
    public void Reading_a_value_as_another_type_names_the_key()
    {
        var state = new ExecutionState();
        state.Set("verdict", Sample);

        var error = Assert.Throws<InvalidOperationException>(() => state.Get<Node>("verdict"));

        Assert.Contains("'verdict'", error.Message, StringComparison.Ordinal);
    }

    private static string SavedSample()
    {
        var state = new ExecutionState();
        state.Set("verdict", Sample);
        return state.Save();
    }
}
