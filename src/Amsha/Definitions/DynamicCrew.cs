using System;
using System.Collections.Generic;
using System.Linq;
using Amsha.Generated;
using Amsha.Generators.Plans;

namespace Amsha;

/// <summary>
/// Builds the plan of a crew that exists only in definitions: JSON input, text or JSON outputs, planned by the
/// generator's own planner and rendered with the generated wording, so it behaves as the same crew compiled would.
/// </summary>
internal static class DynamicCrew
{
    /// <exception cref="DefinitionException">The crew is not valid (unknown names, missing texts, a cycle, …).</exception>
    public static CrewDefinition<CrewInputJson, string> Build(CrewDeclaration crew, ActiveDefinitions definitions, ISet<string> usedAgents, ISet<string> usedTasks)
    {
        var stepsAt = DeclarationOrigins.Of(crew.FieldOrigins, crew.Origin, "tasks");
        if (crew.Steps.Count == 0)
        {
            throw new DefinitionException($"Crew '{crew.Name}' declares no tasks; list the tasks it runs under 'tasks'.", stepsAt);
        }

        // A task listed twice runs once, as in compiled crews.
        var steps = new List<(TaskDeclaration Task, AgentDeclaration Agent)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var step in crew.Steps)
        {
            if (!seen.Add(step.Task))
            {
                continue;
            }

            if (!definitions.Tasks.TryGetValue(step.Task, out var task))
            {
                throw new DefinitionException($"Crew '{crew.Name}' lists task '{step.Task}', which is not defined; define it under 'tasks' or fix the name.", stepsAt);
            }

            var agentName = step.Agent ?? task.Agent;
            if (agentName is null)
            {
                throw new DefinitionException($"Task '{task.Name}' of crew '{crew.Name}' names no agent; set 'agent' on the task or the step.", task.Origin);
            }

            if (!definitions.Agents.TryGetValue(agentName, out var agent))
            {
                throw new DefinitionException($"Task '{task.Name}' names agent '{agentName}', which is not defined in the definitions (dynamic crews use the agents defined beside them).", DeclarationOrigins.Of(task.FieldOrigins, task.Origin, "agent"));
            }

            usedTasks.Add(task.Name);
            usedAgents.Add(agent.Name);
            steps.Add((task, agent));
        }

        var names = steps.Select(s => s.Task.Name).ToList();
        var contexts = steps.Select(s => (IReadOnlyList<string>)(s.Task.Context ?? Array.Empty<string>())).ToList();
        var plan = CrewPlanner.Plan(names, contexts, crew.Process == CrewProcess.Graph);
        if (plan.Cycle is { } cycle)
        {
            throw new DefinitionException($"The tasks of crew '{crew.Name}' depend on each other in a cycle: {string.Join(" → ", cycle.Select(i => names[i]))}; remove one of these context entries.", stepsAt);
        }

        foreach (var (task, context) in plan.ContextOutsideCrew)
        {
            var declared = steps[task].Task;
            throw new DefinitionException($"Task '{declared.Name}' takes context from '{context}', which is not a task of crew '{crew.Name}'.", DeclarationOrigins.Of(declared.FieldOrigins, declared.Origin, "context"));
        }

        foreach (var (task, context) in plan.ContextAfterTask)
        {
            var declared = steps[task].Task;
            throw new DefinitionException($"Task '{declared.Name}' takes context from '{names[context]}', which runs after it in sequential crew '{crew.Name}'; list it earlier or use process: graph.", DeclarationOrigins.Of(declared.FieldOrigins, declared.Origin, "context"));
        }

        var planIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < plan.Order.Count; i++)
        {
            planIndex[names[plan.Order[i]]] = i;
        }

        var tasks = new CrewTaskDefinition<CrewInputJson>[plan.Order.Count];
        var placeholders = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < plan.Order.Count; i++)
        {
            var (task, agent) = steps[plan.Order[i]];
            var templates = new TaskPromptTemplates(
                Required(agent.Role, agent.Name, "agent", "role", agent.FieldOrigins, agent.Origin),
                Required(agent.Goal, agent.Name, "agent", "goal", agent.FieldOrigins, agent.Origin),
                Required(agent.Backstory, agent.Name, "agent", "backstory", agent.FieldOrigins, agent.Origin),
                Required(task.Description, task.Name, "task", "description", task.FieldOrigins, task.Origin),
                Required(task.ExpectedOutput, task.Name, "task", "expected_output", task.FieldOrigins, task.Origin));
            placeholders.UnionWith(templates.Placeholders);

            var llm = string.IsNullOrWhiteSpace(agent.Llm) ? "default" : agent.Llm!;
            if (!definitions.IsUseCase(llm))
            {
                throw new DefinitionException($"Agent '{agent.Name}' names LLM use case '{llm}', which is not configured; add it under Amsha:Llm:UseCases:{llm} or name a configured one.", DeclarationOrigins.Of(agent.FieldOrigins, agent.Origin, "llm"));
            }

            var dependsOn = (task.Context ?? Array.Empty<string>()).Distinct(StringComparer.Ordinal).Select(c => planIndex[c]).ToArray();
            tasks[i] = new CrewTaskDefinition<CrewInputJson>(
                task.Name,
                new AgentDefinition(agent.Name, llm),
                dependsOn,
                templates.Builder<CrewInputJson>(static (input, placeholder) => input.Format(placeholder), dependsOn),
                Output(task))
            {
                ToolSources = (agent.ToolSources ?? Array.Empty<string>()).Concat(task.ToolSources ?? Array.Empty<string>()).Distinct(StringComparer.OrdinalIgnoreCase).ToArray(),
                Review = task.Review ?? ReviewKind.None,
                Texts = new TaskTexts(agent.Role!, agent.Goal!, agent.Backstory!, task.Description!, task.ExpectedOutput!, TemplateSyntax.DefinitionFile),
            };
        }

        var required = placeholders.ToArray();
        return new CrewDefinition<CrewInputJson, string>(crew.Name, crew.Process, tasks)
        {
            IsResolved = true,
            Version = definitions.Version,
            Snapshot = new DefinitionSnapshot(definitions.Version, steps.Select(s => s.Agent).Distinct().ToList(), steps.Select(s => s.Task).ToList(), crew),
            InputCheck = input =>
            {
                // Placeholders need their input properties before anything runs: a clear error, not an empty text in a prompt.
                foreach (var placeholder in required)
                {
                    if (!input.TryGetProperty(placeholder, out _))
                    {
                        throw new ArgumentException($"The input of crew '{crew.Name}' has no property '{placeholder}', which its texts use as {{{placeholder}}}.", "input");
                    }
                }
            },
        };
    }

    private static PromptTemplate Required(string? text, string name, string kind, string field, IReadOnlyDictionary<string, DefinitionOrigin>? fields, DefinitionOrigin? origin) =>
        string.IsNullOrWhiteSpace(text)
            ? throw new DefinitionException($"{(kind == "agent" ? "Agent" : "Task")} '{name}' has no {field}; set {field} to a non-empty text.", DeclarationOrigins.Of(fields, origin, field))
            : PromptTemplate.Parse(text!, TemplateSyntax.DefinitionFile);

    private static TaskOutputFormat Output(TaskDeclaration task) => task.Output switch
    {
        null or "" or "string" => TaskOutputFormat.Text,
        "json" => JsonTextOutputFormat.Instance,
        var other => throw new DefinitionException(
            $"Task '{task.Name}' declares output '{other}': a C# output type needs a compiled crew (declare it with attributes or as a compile-time definition file); a crew defined at run time answers 'string' or 'json'.",
            DeclarationOrigins.Of(task.FieldOrigins, task.Origin, "output")),
    };
}
