using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Amsha.Definitions;

namespace Amsha;

/// <summary>Turns definition files, read and merged by the shared reader, into a <see cref="DefinitionSet"/>.</summary>
internal static class DefinitionDocuments
{
    /// <summary>The most problems one exception lists.</summary>
    private const int MaxListedProblems = 10;

    /// <exception cref="DefinitionException">A file has errors (warnings about keys a C# crew ignores are not errors).</exception>
    public static DefinitionSet ToSet(DefinitionCatalog catalog, string version)
    {
        var errors = catalog.Problems.Where(p => p.IsError).ToList();
        if (errors.Count > 0)
        {
            var first = errors[0];
            var message = new StringBuilder(first.Message);
            foreach (var more in errors.Skip(1).Take(MaxListedProblems - 1))
            {
                message.Append("\n").Append(Origin(more.Path, more.Range)).Append(": ").Append(more.Message);
            }

            if (errors.Count > MaxListedProblems)
            {
                message.Append("\n… and ").Append(errors.Count - MaxListedProblems).Append(" more");
            }

            throw new DefinitionException(message.ToString(), Origin(first.Path, first.Range));
        }

        var agents = new List<AgentDeclaration>();
        var tasks = new List<TaskDeclaration>();
        var crews = new List<CrewDeclaration>();
        foreach (var document in catalog.Documents)
        {
            foreach (var agent in document.Agents)
            {
                agents.Add(new AgentDeclaration(agent.Name)
                {
                    Role = agent.Role?.Value,
                    Goal = agent.Goal?.Value,
                    Backstory = agent.Backstory?.Value,
                    Llm = agent.Llm?.Value,
                    ToolSources = agent.ToolSources.Count == 0 ? null : agent.ToolSources.Select(t => t.Value).ToList(),
                    Origin = Origin(document.Path, agent.NameRange),
                    FieldOrigins = Fields(document.Path, ("role", agent.Role), ("goal", agent.Goal), ("backstory", agent.Backstory), ("llm", agent.Llm), ("tool_sources", agent.ToolSources.FirstOrDefault())),
                });
            }

            foreach (var task in document.Tasks)
            {
                tasks.Add(new TaskDeclaration(task.Name)
                {
                    Description = task.Description?.Value,
                    ExpectedOutput = task.ExpectedOutput?.Value,
                    Agent = task.Agent?.Value,
                    Context = task.Context.Count == 0 ? null : task.Context.Select(c => c.Value).ToList(),
                    Output = task.Output?.Value,
                    ToolSources = task.ToolSources.Count == 0 ? null : task.ToolSources.Select(t => t.Value).ToList(),
                    Review = task.Review is { } review ? (ReviewKind)review.Kind : null,
                    Origin = Origin(document.Path, task.NameRange),
                    FieldOrigins = WithReview(
                        Fields(document.Path, ("description", task.Description), ("expected_output", task.ExpectedOutput), ("agent", task.Agent), ("context", task.Context.FirstOrDefault()), ("output", task.Output), ("tool_sources", task.ToolSources.FirstOrDefault())),
                        document.Path,
                        task.Review),
                });
            }
        }

        foreach (var crew in catalog.Crews)
        {
            var steps = new List<CrewStepDeclaration>();
            foreach (var step in crew.Steps)
            {
                // File references resolve to the names their files define; a name that resolves nowhere stays as written (and is reported by name).
                var task = step.Task?.Entry.Name ?? step.Step.Task.Value;
                var agent = step.Step.Agent is null ? null : step.Agent?.Entry.Name ?? step.Step.Agent.Value;
                steps.Add(new CrewStepDeclaration(task, agent));
            }

            crews.Add(new CrewDeclaration(crew.Entry.Name)
            {
                Steps = steps,
                Process = string.Equals(crew.Entry.Process?.Value, "graph", StringComparison.OrdinalIgnoreCase) ? CrewProcess.Graph : CrewProcess.Sequential,
                Origin = Origin(crew.Path, crew.Entry.NameRange),
                FieldOrigins = Fields(crew.Path, ("tasks", crew.Entry.Steps.FirstOrDefault()?.Task), ("process", crew.Entry.Process)),
            });
        }

        var warnings = catalog.Problems.Where(p => !p.IsError).Select(p => Origin(p.Path, p.Range) + ": " + p.Message).ToList();
        return new DefinitionSet(version, agents, tasks, crews) { Warnings = warnings };
    }

    private static DefinitionOrigin Origin(string path, TextRange range) => DefinitionOrigin.InFile(path, Math.Max(1, range.Start.Line), Math.Max(1, range.Start.Column));

    // The review is found under "review" whichever key wrote it (review or human_input).
    private static Dictionary<string, DefinitionOrigin> WithReview(Dictionary<string, DefinitionOrigin> origins, string path, DefinedReview? review)
    {
        if (review is not null)
        {
            origins["review"] = Origin(path, review.Range);
        }

        return origins;
    }

    private static Dictionary<string, DefinitionOrigin> Fields(string path, params (string Key, DefinedText? Text)[] fields)
    {
        var origins = new Dictionary<string, DefinitionOrigin>(StringComparer.Ordinal);
        foreach (var (key, text) in fields)
        {
            if (text is not null)
            {
                origins[key] = Origin(path, text.Range);
            }
        }

        return origins;
    }
}
