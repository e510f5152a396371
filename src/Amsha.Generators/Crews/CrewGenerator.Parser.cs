using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Amsha.Generators.Helpers;
using Amsha.Generators.Plans;
using Amsha.Generators.Serialization;
using Amsha.Generators.Templates;
using Microsoft.CodeAnalysis;

namespace Amsha.Generators.Crews;

internal sealed partial class CrewGenerator
{
    /// <summary>
    /// Turns a <c>[Crew]</c> class into a <see cref="CrewModel"/>, or null when the declaration is
    /// not (yet) valid: the generator then emits nothing and the analyzers say what is wrong.
    /// </summary>
    internal static class Parser
    {
        public static CrewModel? Parse(AttributeTarget context, bool generic, CancellationToken cancellationToken)
        {
            if (context.TargetSymbol is not INamedTypeSymbol crew || crew.IsStatic || context.Attributes.Length != 1)
            {
                return null;
            }

            // A class carrying both [Crew] and [Crew<T>] is handled by the generic pipeline only.
            if (!generic && crew.GetAttributes().Any(a => AmshaAttributes.Is(a.AttributeClass, KnownNames.GenericCrewAttribute)))
            {
                return null;
            }

            // Partial declarations that repeat the attribute (an error the compiler reports) are emitted once:
            // from the declaration carrying the first of them, so no two outputs share a hint name.
            var attributeName = generic ? KnownNames.GenericCrewAttribute : KnownNames.CrewAttribute;
            if (crew.GetAttributes().FirstOrDefault(a => AmshaAttributes.Is(a.AttributeClass, attributeName))?.ApplicationSyntaxReference is { } first
                && (first.SyntaxTree != context.TargetNode.SyntaxTree || !context.TargetNode.FullSpan.Contains(first.Span)))
            {
                return null;
            }

            if (!TypeDeclarations.AllPartial(crew, cancellationToken))
            {
                return null;
            }

            var attribute = context.Attributes[0];
            ITypeSymbol? input = null;
            if (generic)
            {
                if (attribute.AttributeClass is not { TypeArguments.Length: 1 } attributeClass || attributeClass.TypeArguments[0].TypeKind == TypeKind.Error)
                {
                    return null;
                }

                input = attributeClass.TypeArguments[0];
            }

            var taskTypes = ReadTypes(attribute, "Tasks", cancellationToken);
            if (taskTypes is null || taskTypes.Count == 0)
            {
                return null;
            }

            var tasks = new List<ParsedTask>();
            foreach (var taskType in taskTypes.Distinct<INamedTypeSymbol>(SymbolEqualityComparer.Default))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (ParseTask(taskType, context.SemanticModel.Compilation, cancellationToken) is not { } parsed)
                {
                    return null;
                }

                tasks.Add(parsed);
            }

            // Two tasks of one name (AMSHA026) cannot be told apart in results and checkpoints, nor get members of their own.
            if (tasks.Select(static t => t.Name).Distinct(System.StringComparer.Ordinal).Count() != tasks.Count)
            {
                return null;
            }

            var isGraph = (AttributeArguments.Int(attribute, "Process") ?? 0) == 1;
            var plan = CrewPlanner.Plan(
                tasks.Select(t => t.Key).ToList(),
                tasks.Select(t => (IReadOnlyList<string>)t.Context).ToList(),
                isGraph,
                cancellationToken);
            if (!plan.IsValid)
            {
                return null;
            }

            var members = input is null ? new Dictionary<string, string>() : InputMembers.Of(input, cancellationToken);
            System.Func<string, List<TemplatePart>?> bind = template => TemplateBinder.Bind(template, placeholder => InputMembers.Match(members, placeholder));
            var planIndex = new Dictionary<string, int>();
            for (var i = 0; i < plan.Order.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                planIndex[tasks[plan.Order[i]].Key] = i;
            }

            var taskModels = new List<CrewTaskModel>();
            foreach (var declared in plan.Order)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var task = tasks[declared];
                var system = PromptRendering.System(bind, task.Role, task.Goal, task.Backstory);
                var user = PromptRendering.User(bind, task.Description, task.ExpectedOutput);
                if (system is null || user is null)
                {
                    return null;
                }

                taskModels.Add(new CrewTaskModel(
                    task.Name,
                    task.AgentName,
                    task.Llm,
                    task.Context.Select(c => planIndex[c]).ToEquatableArray(),
                    system.ToEquatableArray(),
                    user.ToEquatableArray(),
                    task.OutputType,
                    task.OutputRepairs,
                    task.Toolboxes.ToEquatableArray(),
                    task.MaxToolRounds,
                    task.ToolSources.ToEquatableArray())
                {
                    Texts = new TaskTexts(task.Role, task.Goal, task.Backstory, task.Description, task.ExpectedOutput),
                    Review = task.Review,
                    ApprovalTools = task.ApprovalTools.ToEquatableArray(),
                });
            }

            // Members the user already declared would collide with the generated ones (CS0111):
            // emit nothing rather than code that cannot compile.
            if (FindGeneratedMemberConflict(crew, input, taskModels.Select(t => t.Name), cancellationToken) is not null)
            {
                return null;
            }

            // The crew returns what its last task (in plan order) produces.
            var outputType = taskModels[taskModels.Count - 1].OutputType ?? "string";
            return new CrewModel(
                TypeDeclarations.Scope(crew),
                crew.Name,
                crew.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
                GeneratedNames.FileName(TypeDeclarations.HintNamePrefix(crew), ".Crew.g.cs"),
                input?.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
                input is { IsReferenceType: true },
                outputType,
                isGraph,
                CanRegister(crew),
                taskModels.ToEquatableArray(),
                TypeAccessibility.MemberKeyword(input, tasks[plan.Order[plan.Order.Count - 1]].Output))
            {
                // Exact names once each, in the order the members were found.
                InputMembers = members.Values.Distinct().ToEquatableArray(),
            };
        }

        private sealed record ParsedTask(string Key, string Name, string AgentName, string Llm, string Role, string Goal, string Backstory, string Description, string ExpectedOutput, List<string> Context)
        {
            public string? OutputType { get; init; }

            /// <summary>The output type (transform-local, never part of the model): crew members can be no more accessible than it.</summary>
            public ITypeSymbol? Output { get; init; }

            public int OutputRepairs { get; init; }

            public List<string> Toolboxes { get; init; } = new();

            public int MaxToolRounds { get; init; }

            public List<string> ToolSources { get; init; } = new();

            public int Review { get; init; }

            public List<string> ApprovalTools { get; init; } = new();
        }

        private static ParsedTask? ParseTask(INamedTypeSymbol task, Compilation compilation, CancellationToken cancellationToken)
        {
            var attribute = task.GetAttributes().FirstOrDefault(a => AmshaAttributes.Is(a.AttributeClass, KnownNames.CrewTaskAttribute) || AmshaAttributes.Is(a.AttributeClass, KnownNames.GenericCrewTaskAttribute));
            if (attribute is null)
            {
                return null;
            }

            // A structured output needs a compile-time serializer; without one the crew is not emitted (AMSHA010 says why).
            string? outputType = null;
            ITypeSymbol? outputSymbol = null;
            if (attribute.AttributeClass is { TypeArguments.Length: 1 } generic && generic.TypeArguments[0].SpecialType != SpecialType.System_String)
            {
                var output = generic.TypeArguments[0];
                if (!SerializationRules.IsSerializable(output, compilation, SerializationRoot.TaskOutput, cancellationToken))
                {
                    return null;
                }

                outputType = output.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
                outputSymbol = output;
            }

            if (AttributeArguments.Named(attribute, "Agent") is not { Kind: TypedConstantKind.Type, Value: INamedTypeSymbol agent })
            {
                return null;
            }

            var agentAttribute = agent.GetAttributes().FirstOrDefault(a => AmshaAttributes.Is(a.AttributeClass, KnownNames.AgentAttribute));
            if (agentAttribute is null)
            {
                return null;
            }

            var role = AttributeArguments.String(agentAttribute, "Role");
            var goal = AttributeArguments.String(agentAttribute, "Goal");
            var backstory = AttributeArguments.String(agentAttribute, "Backstory");
            var description = AttributeArguments.String(attribute, "Description");
            var expected = AttributeArguments.String(attribute, "ExpectedOutput");
            if (IsBlank(role) || IsBlank(goal) || IsBlank(backstory) || IsBlank(description) || IsBlank(expected))
            {
                return null;
            }

            var context = ReadTypes(attribute, "Context", cancellationToken);
            if (context is null)
            {
                return null;
            }

            // The agent's toolboxes, then the task's; an entry that is not a toolbox keeps the crew from being emitted.
            var toolboxes = new List<string>();
            var toolSources = new List<string>();
            var approvalTools = new List<string>();
            foreach (var (source, owner) in new[] { (agentAttribute, agent), (attribute, task) })
            {
                if (AttributeArguments.Named(source, "ToolSources") is { Kind: TypedConstantKind.Array, IsNull: false } names)
                {
                    foreach (var name in names.Values)
                    {
                        if (name.Value is string { Length: > 0 } text && !toolSources.Contains(text))
                        {
                            toolSources.Add(text);
                        }
                    }
                }

                var declared = ReadTypes(source, "Tools", cancellationToken);
                if (declared is null)
                {
                    return null;
                }

                foreach (var toolbox in declared)
                {
                    if (!toolbox.GetAttributes().Any(a => AmshaAttributes.Is(a.AttributeClass, KnownNames.ToolboxAttribute)))
                    {
                        return null;
                    }

                    var definition = "global::Amsha.Generated." + Tools.ToolboxGenerator.Parser.DefinitionClass(toolbox);
                    if (!toolboxes.Contains(definition))
                    {
                        toolboxes.Add(definition);
                        foreach (var tool in HumanInputFacts.ApprovalTools(toolbox, cancellationToken))
                        {
                            if (!approvalTools.Contains(tool))
                            {
                                approvalTools.Add(tool);
                            }
                        }
                    }
                }
            }

            var llm = AttributeArguments.String(agentAttribute, "Llm");
            return new ParsedTask(
                Key(task),
                task.Name,
                agent.Name,
                IsBlank(llm) ? "default" : llm!,
                role!,
                goal!,
                backstory!,
                description!,
                expected!,
                context.Select(Key).ToList())
            {
                OutputType = outputType,
                Output = outputSymbol,
                OutputRepairs = (AttributeArguments.Int(attribute, "OutputRepairs") ?? 0),
                Toolboxes = toolboxes,
                MaxToolRounds = AttributeArguments.Int(attribute, "MaxToolRounds") ?? 0,
                ToolSources = toolSources,
                Review = HumanInputFacts.Review(attribute),
                ApprovalTools = approvalTools,
            };
        }

        /// <summary>
        /// The first member <paramref name="crew"/> itself declares that the generator would also emit: the same
        /// name (fields, properties, prompt builders) or the same name and parameter types (crew methods,
        /// constructor). Shared with the AMSHA015 analyzer; null when there is none.
        /// </summary>
        internal static ISymbol? FindGeneratedMemberConflict(INamedTypeSymbol crew, ITypeSymbol? input, IEnumerable<string> taskNames, CancellationToken cancellationToken = default)
        {
            var generated = new GeneratedCrewMembers(crew.Name, input is null ? null : GeneratedCrewMembers.TypeName(input), taskNames.Select(name => "Build" + name + "Prompt"));
            foreach (var (symbol, member) in GeneratedCrewMembers.DeclaredBy(crew, cancellationToken))
            {
                if (generated.Conflicts(member.Name, member.ParameterTypes is { } parameters ? parameters.ToList() : null))
                {
                    return symbol;
                }
            }

            return null;
        }

        private static string Key(INamedTypeSymbol type) => type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);

        private static bool IsBlank(string? text) => string.IsNullOrWhiteSpace(text);

        /// <summary>The types of a <c>Type[]</c> argument: empty when absent, null when any entry is not a usable type.</summary>
        private static List<INamedTypeSymbol>? ReadTypes(AttributeData attribute, string name, CancellationToken cancellationToken = default)
        {
            var result = new List<INamedTypeSymbol>();
            if (AttributeArguments.Named(attribute, name) is not { } argument)
            {
                return result;
            }

            if (argument.Kind != TypedConstantKind.Array)
            {
                return null;
            }

            // Context = null lists nothing, like leaving it out (Tasks = null and Tools = null are diagnosed).
            if (argument.IsNull)
            {
                return result;
            }

            foreach (var value in argument.Values)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (value is not { Kind: TypedConstantKind.Type, Value: INamedTypeSymbol type } || type.TypeKind == TypeKind.Error)
                {
                    return null;
                }

                result.Add(type);
            }

            return result;
        }

        // The generated AddAmshaCrews is internal: it can register crews reachable from the assembly, not generic ones.
        internal static bool CanRegister(INamedTypeSymbol type)
        {
            for (var current = type; current is not null; current = current.ContainingType)
            {
                if (current.IsGenericType || current.DeclaredAccessibility is Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal)
                {
                    return false;
                }
            }

            return !type.IsAbstract;
        }
    }
}
