using System;
using System.Collections.Generic;
using System.Linq;
using Amsha.Generated;

namespace Amsha;

/// <summary>
/// Lays run-time declarations over a compiled crew: texts, the agent's use case, tool sources and reviews may
/// change; the plan (tasks, agents, context, outputs) may not. Every replaced text is checked against the crew's input.
/// </summary>
internal static class DefinitionOverlay
{
    /// <exception cref="DefinitionException">A declaration does not fit the compiled crew.</exception>
    public static CrewDefinition<TInput, TOutput> Apply<TInput, TOutput>(CrewDefinition<TInput, TOutput> compiled, ActiveDefinitions definitions)
    {
        definitions.Crews.TryGetValue(compiled.Name, out var crewDeclaration);
        if (crewDeclaration is not null)
        {
            CheckSamePlan(compiled, crewDeclaration);
        }

        var agents = new List<AgentDeclaration>();
        var tasks = new List<TaskDeclaration>();
        var overlaidTasks = new CrewTaskDefinition<TInput>[compiled.Tasks.Count];
        var changed = false;
        for (var i = 0; i < compiled.Tasks.Count; i++)
        {
            var task = compiled.Tasks[i];
            definitions.Agents.TryGetValue(task.Agent.Name, out var agent);
            definitions.Tasks.TryGetValue(task.Name, out var taskDeclaration);
            if (agent is null && taskDeclaration is null)
            {
                overlaidTasks[i] = task;
                continue;
            }

            if (agent is not null && !agents.Contains(agent))
            {
                agents.Add(agent);
            }

            if (taskDeclaration is not null)
            {
                tasks.Add(taskDeclaration);
            }

            overlaidTasks[i] = Overlay(compiled, task, agent, taskDeclaration, definitions);
            changed = true;
        }

        if (!changed)
        {
            return compiled;
        }

        return new CrewDefinition<TInput, TOutput>(compiled.Name, compiled.Process, overlaidTasks)
        {
            Input = compiled.Input,
            IsResolved = true,
            Version = definitions.Version,
            Snapshot = new DefinitionSnapshot(definitions.Version, agents, tasks, null),
            SelectResult = compiled.SelectResult,
            InputCheck = compiled.InputCheck,
        };
    }

    /// <summary>Rebuilds the overlay an execution recorded, over the compiled crew as it is now.</summary>
    public static CrewDefinition<TInput, TOutput> FromSnapshot<TInput, TOutput>(CrewDefinition<TInput, TOutput> compiled, DefinitionSnapshot snapshot, Func<string, bool> isUseCase) =>
        ActiveDefinitions.BuildFor(compiled, new[] { ("the recorded definitions", new DefinitionSet(snapshot.Version, snapshot.Agents, snapshot.Tasks)) }, isUseCase);

    private static CrewTaskDefinition<TInput> Overlay<TInput, TOutput>(CrewDefinition<TInput, TOutput> crew, CrewTaskDefinition<TInput> task, AgentDeclaration? agent, TaskDeclaration? declared, ActiveDefinitions definitions)
    {
        var texts = task.Texts ?? throw new DefinitionException(
            $"Crew '{crew.Name}' was compiled without its texts, so '{task.Name}' cannot be overlaid; rebuild it with the current Amsha generator.",
            declared?.Origin ?? agent?.Origin);
        if (declared is not null)
        {
            if (declared.Agent is { } agentName && !string.Equals(agentName, task.Agent.Name, StringComparison.Ordinal))
            {
                throw Fixed(crew, task, declared, "agent", $"its agent is '{task.Agent.Name}', not '{agentName}'");
            }

            if (declared.Context is { } context && !context.OrderBy(c => c, StringComparer.Ordinal).SequenceEqual(task.DependsOn.Select(d => crew.Tasks[d].Name).OrderBy(c => c, StringComparer.Ordinal), StringComparer.Ordinal))
            {
                throw Fixed(crew, task, declared, "context", $"its context is [{string.Join(", ", task.DependsOn.Select(d => crew.Tasks[d].Name))}]");
            }

            if (declared.Output is { } output && !SameOutput(output, task.OutputFormat))
            {
                throw Fixed(crew, task, declared, "output", $"its output is {OutputName(task.OutputFormat)}");
            }
        }

        var role = Text(agent?.Role, texts.Role, texts.Syntax, agent, "role", crew);
        var goal = Text(agent?.Goal, texts.Goal, texts.Syntax, agent, "goal", crew);
        var backstory = Text(agent?.Backstory, texts.Backstory, texts.Syntax, agent, "backstory", crew);
        var description = Text(declared?.Description, texts.Description, texts.Syntax, declared, "description", crew);
        var expected = Text(declared?.ExpectedOutput, texts.ExpectedOutput, texts.Syntax, declared, "expected_output", crew);
        var templates = new TaskPromptTemplates(role, goal, backstory, description, expected);

        var llm = agent?.Llm ?? task.Agent.Llm;
        if (!definitions.IsUseCase(llm))
        {
            throw new DefinitionException($"Agent '{task.Agent.Name}' names LLM use case '{llm}', which is not configured; add it under Amsha:Llm:UseCases:{llm} or name a configured one.", DeclarationOrigins.Of(agent?.FieldOrigins, agent?.Origin, "llm"));
        }

        var toolSources = agent?.ToolSources is null && declared?.ToolSources is null
            ? task.ToolSources
            : (agent?.ToolSources ?? Array.Empty<string>()).Concat(declared?.ToolSources ?? Array.Empty<string>()).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();

        var input = crew.Input;
        return new CrewTaskDefinition<TInput>(
            task.Name,
            new AgentDefinition(task.Agent.Name, llm),
            task.DependsOn,
            templates.Builder<TInput>((value, placeholder) => input!.Format(value, input.IndexOf(placeholder)), task.DependsOn),
            task.OutputFormat)
        {
            Toolboxes = task.Toolboxes,
            MaxToolRounds = task.MaxToolRounds,
            ToolSources = toolSources,
            Review = declared?.Review ?? task.Review,
            Texts = new TaskTexts(
                agent?.Role ?? texts.Role,
                agent?.Goal ?? texts.Goal,
                agent?.Backstory ?? texts.Backstory,
                declared?.Description ?? texts.Description,
                declared?.ExpectedOutput ?? texts.ExpectedOutput,
                // Mixed texts keep their own syntax when parsed; the record of the whole says which the overlay used.
                agent is null && declared is null ? texts.Syntax : TemplateSyntax.DefinitionFile),
        };
    }

    // A replaced text (definition-file syntax) must be non-blank and fill every placeholder from the crew's input.
    private static PromptTemplate Text<TInput, TOutput>(string? replacement, string compiled, TemplateSyntax compiledSyntax, object? declaration, string field, CrewDefinition<TInput, TOutput> crew)
    {
        if (replacement is null)
        {
            return PromptTemplate.Parse(compiled, compiledSyntax);
        }

        var (name, kind, fields, origin) = declaration switch
        {
            AgentDeclaration a => (a.Name, "agent", a.FieldOrigins, a.Origin),
            TaskDeclaration t => (t.Name, "task", t.FieldOrigins, t.Origin),
            _ => ("?", "definition", null, null),
        };
        var at = DeclarationOrigins.Of(fields, origin, field);
        if (string.IsNullOrWhiteSpace(replacement))
        {
            throw new DefinitionException($"The {field} of {kind} '{name}' is empty; give it a text or leave the key out to keep the compiled one.", at);
        }

        var template = PromptTemplate.Parse(replacement, TemplateSyntax.DefinitionFile);
        foreach (var (isPlaceholder, placeholder) in template.Parts)
        {
            if (isPlaceholder && (crew.Input is null || crew.Input.IndexOf(placeholder) < 0))
            {
                var members = crew.Input is null || crew.Input.Members.Count == 0 ? "the crew has no input" : "the input's members are " + string.Join(", ", crew.Input.Members);
                throw new DefinitionException($"Placeholder '{{{placeholder}}}' in the {field} of {kind} '{name}' has no member in the input of crew '{crew.Name}' ({members}).", at);
            }
        }

        return template;
    }

    private static void CheckSamePlan<TInput, TOutput>(CrewDefinition<TInput, TOutput> compiled, CrewDeclaration declared)
    {
        var declaredTasks = declared.Steps.Select(s => s.Task).Distinct(StringComparer.Ordinal).OrderBy(n => n, StringComparer.Ordinal);
        var compiledTasks = compiled.Tasks.Select(t => t.Name).OrderBy(n => n, StringComparer.Ordinal);
        if (!declaredTasks.SequenceEqual(compiledTasks, StringComparer.Ordinal) || declared.Process != compiled.Process)
        {
            throw new DefinitionException(
                $"Crew '{compiled.Name}' is compiled: its tasks ({string.Join(", ", compiled.Tasks.Select(t => t.Name))}) and process ({compiled.Process}) cannot change at run time. Overlay its agents' and tasks' texts instead, or give a new crew another name.",
                DeclarationOrigins.Of(declared.FieldOrigins, declared.Origin, "tasks"));
        }

        foreach (var step in declared.Steps)
        {
            var task = compiled.Tasks.First(t => t.Name == step.Task);
            if (step.Agent is { } agent && !string.Equals(agent, task.Agent.Name, StringComparison.Ordinal))
            {
                throw new DefinitionException($"Crew '{compiled.Name}' is compiled: task '{task.Name}' is performed by '{task.Agent.Name}', which cannot change to '{agent}' at run time.", declared.Origin);
            }
        }
    }

    private static DefinitionException Fixed<TInput, TOutput>(CrewDefinition<TInput, TOutput> crew, CrewTaskDefinition<TInput> task, TaskDeclaration declared, string field, string what) =>
        new($"Task '{task.Name}' of compiled crew '{crew.Name}' cannot change its {field} at run time: {what}. Leave the key out, or set it to the compiled value.", DeclarationOrigins.Of(declared.FieldOrigins, declared.Origin, field));

    private static bool SameOutput(string declared, TaskOutputFormat format)
    {
        var compiled = OutputName(format);
        return string.Equals(declared, compiled, StringComparison.Ordinal)
            || (compiled != "string" && declared.EndsWith("." + compiled, StringComparison.Ordinal));
    }

    // "string", or the simple name of the typed output.
    private static string OutputName(TaskOutputFormat format)
    {
        if (ReferenceEquals(format, TaskOutputFormat.Text))
        {
            return "string";
        }

        if (format is JsonTextOutputFormat)
        {
            return "json";
        }

        var type = format.GetType();
        return type.IsGenericType ? type.GetGenericArguments()[0].Name : type.Name;
    }
}
