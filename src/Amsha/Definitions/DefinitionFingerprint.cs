using System;
using System.Security.Cryptography;
using System.Text;
using Amsha.Generated;

namespace Amsha;

/// <summary>
/// A short hash of what shapes a crew's behaviour: its plan, agents, use cases, tools, reviews and texts. Two plans with
/// the same fingerprint send the same prompts for the same input; an execution records it so a resume can tell
/// whether the definitions changed under it.
/// </summary>
internal static class DefinitionFingerprint
{
    public static string Of<TInput, TOutput>(CrewDefinition<TInput, TOutput> crew)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var text = new StringBuilder();
        Field(text, crew.Name).Append((int)crew.Process).Append('|');
        foreach (var task in crew.Tasks)
        {
            Field(text, task.Name);
            Field(text, task.Agent.Name);
            Field(text, task.Agent.Llm);
            foreach (var dependency in task.DependsOn)
            {
                text.Append(dependency).Append(',');
            }

            Field(text, task.OutputFormat.GetType().FullName ?? "");
            text.Append(task.OutputFormat.OutputRepairs).Append('|').Append(task.MaxToolRounds).Append('|');
            foreach (var toolbox in task.Toolboxes)
            {
                Field(text, toolbox.Name);

                // Only when some do, so toolboxes without approvals keep the fingerprints they had; 'A' starts no other field.
                foreach (var approval in toolbox.ApprovalToolNames)
                {
                    text.Append('A');
                    Field(text, approval);
                }
            }

            foreach (var source in task.ToolSources)
            {
                Field(text, source);
            }

            // Only when set, so crews without human input keep the fingerprints they had; 'R' starts no other field.
            if (task.Review != ReviewKind.None)
            {
                text.Append('R').Append((int)task.Review).Append('|');
            }

            if (task.Texts is { } texts)
            {
                Field(text, texts.Role);
                Field(text, texts.Goal);
                Field(text, texts.Backstory);
                Field(text, texts.Description);
                Field(text, texts.ExpectedOutput);
                text.Append((int)texts.Syntax).Append('|');
            }

            hash.AppendData(Encoding.UTF8.GetBytes(text.ToString()));
            text.Clear();
        }

        hash.AppendData(Encoding.UTF8.GetBytes(text.ToString()));
        return Convert.ToHexString(hash.GetHashAndReset(), 0, 12).ToLowerInvariant();
    }

    // Length-prefixed, so no two different field lists hash the same text.
    private static StringBuilder Field(StringBuilder text, string value) => text.Append(value.Length).Append(':').Append(value).Append('|');
}
