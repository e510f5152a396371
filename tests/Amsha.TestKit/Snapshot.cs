using System;
using System.IO;
using System.Runtime.CompilerServices;
using System.Text;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;

namespace Amsha.TestKit;

/// <summary>
/// Golden-file snapshots: the expected text lives in <c>Snapshots/&lt;name&gt;.verified.txt</c> beside the
/// calling test file. A mismatch fails with a line diff and writes <see cref="ReceivedPath"/> next to it.
/// Set <c>AMSHA_UPDATE_SNAPSHOTS=1</c> to accept the current output as the new expectation.
/// </summary>
public static class Snapshot
{
    public const string UpdateVariable = "AMSHA_UPDATE_SNAPSHOTS";

    public static void Match(string actual, string name, [CallerFilePath] string callerFile = "")
    {
        var directory = Path.Combine(Path.GetDirectoryName(callerFile)!, "Snapshots");
        var expectedPath = Path.Combine(directory, name + ".verified.txt");
        var receivedPath = ReceivedPath(directory, name);
        actual = Normalize(actual);

        if (Environment.GetEnvironmentVariable(UpdateVariable) is "1" or "true")
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(expectedPath, actual, new UTF8Encoding(false));
            File.Delete(receivedPath);
            return;
        }

        if (!File.Exists(expectedPath))
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(receivedPath, actual, new UTF8Encoding(false));
            throw new SnapshotMismatchException($"No snapshot '{expectedPath}' exists yet. The output was written to '{receivedPath}'; review it and rerun with {UpdateVariable}=1 to accept it.");
        }

        var expected = Normalize(File.ReadAllText(expectedPath));
        if (expected == actual)
        {
            File.Delete(receivedPath);
            return;
        }

        File.WriteAllText(receivedPath, actual, new UTF8Encoding(false));
        throw new SnapshotMismatchException($"Snapshot '{name}' differs from '{expectedPath}' (- expected, + actual):\n{Diff(expected, actual)}\nRerun with {UpdateVariable}=1 to accept the new output.");
    }

    /// <summary>
    /// Where a mismatch writes the actual output: <c>&lt;name&gt;.received.txt</c>, or
    /// <c>&lt;name&gt;.roslyn5.received.txt</c> in the Roslyn 5 lane, so that the two lanes, which compare
    /// against the same expected file and may run at the same time, never write or delete each other's file.
    /// </summary>
    public static string ReceivedPath(string directory, string name) => Path.Combine(directory, name + CompilerLane.ReceivedSnapshotSuffix);

    /// <summary>
    /// A unified-style diff with two lines of context around each change: <c>- n:</c> is line n of the
    /// expected text, <c>+ n:</c> and context lines are line n of the actual text.
    /// </summary>
    public static string Diff(string expected, string actual)
    {
        var lines = InlineDiffBuilder.Diff(expected, actual, ignoreWhiteSpace: false).Lines;

        // Line numbers in the expected and actual texts, for every line of the merged diff.
        var numbers = new (int Expected, int Actual)[lines.Count];
        int expectedLine = 0, actualLine = 0;
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i].Type != ChangeType.Inserted)
            {
                expectedLine++;
            }

            if (lines[i].Type != ChangeType.Deleted)
            {
                actualLine++;
            }

            numbers[i] = (expectedLine, actualLine);
        }

        var output = new StringBuilder();
        var lastPrinted = -1;
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i].Type == ChangeType.Unchanged)
            {
                continue;
            }

            if (lastPrinted >= 0 && i - 2 > lastPrinted + 1)
            {
                output.AppendLine("  ...");
            }

            for (var c = Math.Max(lastPrinted + 1, i - 2); c < i; c++)
            {
                AppendLine(output, c);
            }

            AppendLine(output, i);
            lastPrinted = i;
            for (var c = i + 1; c <= Math.Min(lines.Count - 1, i + 2) && lines[c].Type == ChangeType.Unchanged; c++)
            {
                AppendLine(output, c);
                lastPrinted = c;
            }
        }

        return output.ToString();

        void AppendLine(StringBuilder builder, int index)
        {
            var (marker, number) = lines[index].Type switch
            {
                ChangeType.Deleted => ("- ", numbers[index].Expected),
                ChangeType.Inserted => ("+ ", numbers[index].Actual),
                ChangeType.Unchanged => ("  ", numbers[index].Actual),
                _ => ("~ ", numbers[index].Actual),
            };
            builder.Append(marker).Append(number).Append(": ").AppendLine(lines[index].Text);
        }
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n").TrimStart('\uFEFF');
}

public sealed class SnapshotMismatchException(string message) : Exception(message);
