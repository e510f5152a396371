using System;
using System.IO;
using System.Runtime.CompilerServices;

namespace Amsha.Generators.Tests.TestKit;

/// <summary>The golden-file helper itself: a one-character change must fail with a readable diff.</summary>
public sealed class SnapshotTests : IDisposable
{
    // Each test works on a copy in its own temp folder: no test writes beside the checked-in snapshots.
    private readonly string _root = Path.Combine(Path.GetTempPath(), "amsha-snapshot-tests-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void Diff_of_texts_differing_by_one_character_shows_both_lines()
    {
        var diff = Snapshot.Diff("alpha\nbravo\ncharlie\ndelta", "alpha\nbravo\ncharlje\ndelta");

        var lines = diff.Replace("\r\n", "\n").TrimEnd('\n').Split('\n');
        Assert.Equal(new[] { "  1: alpha", "  2: bravo", "- 3: charlie", "+ 3: charlje", "  4: delta" }, lines);
    }

    [Fact]
    public void Diff_numbers_lines_of_both_texts_and_keeps_two_lines_of_context()
    {
        var expected = string.Join("\n", Numbered(1, 30));
        var actual = expected.Replace("line 5\n", "").Replace("line 20", "line X");

        var lines = Snapshot.Diff(expected, actual).Replace("\r\n", "\n").TrimEnd('\n').Split('\n');

        Assert.Equal(
            new[]
            {
                "  3: line 3", "  4: line 4", "- 5: line 5", "  5: line 6", "  6: line 7",
                "  ...",
                "  17: line 18", "  18: line 19", "- 20: line 20", "+ 19: line X", "  20: line 21", "  21: line 22",
            },
            lines);
    }

    [Fact]
    public void Identical_texts_have_an_empty_diff()
    {
        Assert.Equal("", Snapshot.Diff("same\ntext", "same\ntext"));
    }

    [Fact]
    public void Changed_character_in_a_checked_in_snapshot_fails_with_a_readable_diff()
    {
        // The real generated source and a copy of its real expected file, with one character changed.
        var actual = GeneratorHarness.Run(Crews.CrewGeneratorSnapshotTests.ArticleCrew).Sources["Sample.ArticleCrew.Crew.g.cs"];
        var expected = File.ReadAllText(CheckedInSnapshot("ArticleCrew.Crew"));
        var changedLine = Array.Find(expected.Split('\n'), l => l.Contains("Backstory: A meticulous analyst."))!;
        var callerFile = CopyExpected("ArticleCrew.Crew", expected.Replace("A meticulous analyst.", "A meticulous analyst!"));

        var error = Assert.Throws<SnapshotMismatchException>(() => Snapshot.Match(actual, "ArticleCrew.Crew", callerFile));

        var brokenLine = changedLine.Replace("analyst.", "analyst!");
        Assert.Matches(@"- \d+: " + System.Text.RegularExpressions.Regex.Escape(brokenLine.TrimEnd('\r')), error.Message);
        Assert.Matches(@"\+ \d+: " + System.Text.RegularExpressions.Regex.Escape(changedLine.TrimEnd('\r')), error.Message);
        Assert.Contains(Snapshot.UpdateVariable + "=1", error.Message);
        Assert.Equal(actual.Replace("\r\n", "\n"), File.ReadAllText(ReceivedPath(callerFile, "ArticleCrew.Crew")));
    }

    [Fact]
    public void Matching_snapshot_passes_and_removes_a_stale_received_file()
    {
        var actual = GeneratorHarness.Run(Crews.CrewGeneratorSnapshotTests.ArticleCrew).Sources["Sample.ArticleCrew.Crew.g.cs"];
        var callerFile = CopyExpected("ArticleCrew.Crew", File.ReadAllText(CheckedInSnapshot("ArticleCrew.Crew")));
        File.WriteAllText(ReceivedPath(callerFile, "ArticleCrew.Crew"), "stale");

        Snapshot.Match(actual.Replace("\n", "\r\n"), "ArticleCrew.Crew", callerFile);

        Assert.False(File.Exists(ReceivedPath(callerFile, "ArticleCrew.Crew")));
    }

    [Fact]
    public void Missing_snapshot_fails_and_writes_the_received_output()
    {
        var callerFile = Path.Combine(_root, "Tests.cs");

        var error = Assert.Throws<SnapshotMismatchException>(() => Snapshot.Match("new output\n", "Brand.New", callerFile));

        Assert.Contains("No snapshot", error.Message);
        Assert.Equal("new output\n", File.ReadAllText(ReceivedPath(callerFile, "Brand.New")));
    }

    private string CopyExpected(string name, string content)
    {
        var snapshots = Directory.CreateDirectory(Path.Combine(_root, "Snapshots")).FullName;
        File.WriteAllText(Path.Combine(snapshots, name + ".verified.txt"), content);
        return Path.Combine(_root, "Tests.cs");
    }

    private static string ReceivedPath(string callerFile, string name) => Snapshot.ReceivedPath(Path.Combine(Path.GetDirectoryName(callerFile)!, "Snapshots"), name);

    private static string CheckedInSnapshot(string name, [CallerFilePath] string thisFile = "") =>
        Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "Crews", "Snapshots", name + ".verified.txt");

    private static string[] Numbered(int from, int to)
    {
        var lines = new string[to - from + 1];
        for (var i = 0; i < lines.Length; i++)
        {
            lines[i] = "line " + (from + i);
        }

        return lines;
    }
}
