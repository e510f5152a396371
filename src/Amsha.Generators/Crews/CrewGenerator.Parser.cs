using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Amsha.Generators.Helpers;
using Amsha.Generators.Plans;
using Amsha.Generators.Serialization;
using Amsha.Generators.Templates;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Amsha.Generators.Crews;

internal sealed partial class CrewGenerator
{
    /// <summary>
    /// Turns a <c>[Crew]</c> class into a <see cref="CrewModel"/>, or null when the declaration is
    /// not (yet) valid: the generator then emits nothing and the analyzers say what is wrong.
    /// </summary>
    internal static class Parser
    {
        public static CrewModel? Parse(GeneratorAttributeSyntaxContext context, bool generic, CancellationToken cancellationToken)
        {
            if (context.TargetSymbol is not INamedTypeSymbol crew || crew.IsStatic || context.Attributes.Length != 1)
            {
                return null;
            }

            // A class carrying both [Crew] and [Crew<T>] is handled by the generic pipeline only.
            if (!generic && crew.GetAttributes().Any(a => IsAttribute(a.AttributeClass, KnownNames.GenericCrewAttribute)))
            {
                return null;
            }

            // Partial declarations that repeat the attribute (an error the compiler reports) are emitted once:
            // from the declaration carrying the first of them, so no two outputs share a hint name.
            var attributeName = generic ? KnownNames.GenericCrewAttribute : KnownNames.CrewAttribute;
            if (crew.GetAttributes().FirstOrDefault(a => IsAttribute(a.AttributeClass, attributeName))?.ApplicationSyntaxReference is { } first
                && (first.SyntaxTree != context.TargetNode.SyntaxTree || !context.TargetNode.FullSpan.Contains(first.Span)))
            {
                return null;
            }

            if (!AllPartial(crew, cancellationToken))
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

            var taskTypes = ReadTypes(attribute, "Tasks");
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

            var isGraph = (AttributeArguments.Int(attribute, "Process") ?? 0) == 1;
            var plan = CrewPlanner.Plan(
                tasks.Select(t => t.Key).ToList(),
                tasks.Select(t => (IReadOnlyList<string>)t.Context).ToList(),
                isGraph);
            if (!plan.IsValid)
            {
                return null;
            }

            var members = input is null ? new Dictionary<string, string>() : InputMembers(input);
            var planIndex = new Dictionary<string, int>();
            for (var i = 0; i < plan.Order.Count; i++)
            {
                planIndex[tasks[plan.Order[i]].Key] = i;
            }

            var taskModels = new List<CrewTaskModel>();
            foreach (var declared in plan.Order)
            {
                var task = tasks[declared];
                var system = Render(members, ("You are ", null), (task.Role, "Role"), (".\nGoal: ", null), (task.Goal, "Goal"), ("\nBackstory: ", null), (task.Backstory, "Backstory"));
                var user = Render(members, ("Task: ", null), (task.Description, "Description"), ("\n\nExpected output: ", null), (task.ExpectedOutput, "ExpectedOutput"));
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
                    task.OutputRepairs));
            }

            // Members the user already declared would collide with the generated ones (CS0111):
            // emit nothing rather than code that cannot compile.
            if (FindGeneratedMemberConflict(crew, input, taskModels.Select(t => t.Name)) is not null)
            {
                return null;
            }

            // The crew returns what its last task (in plan order) produces.
            var outputType = taskModels[taskModels.Count - 1].OutputType ?? "string";
            return new CrewModel(
                crew.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : null,
                TypeDeclarations.ContainingTypes(crew),
                TypeDeclarations.Keyword(crew),
                crew.Name,
                crew.TypeParameters.Length == 0 ? "" : "<" + string.Join(", ", crew.TypeParameters.Select(p => p.Name)) + ">",
                crew.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
                HintName(crew),
                input?.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
                input is { IsReferenceType: true },
                outputType,
                isGraph,
                CanRegister(crew),
                taskModels.ToEquatableArray(),
                MemberAccessibility(input, tasks[plan.Order[plan.Order.Count - 1]].Output));
        }

        private sealed record ParsedTask(string Key, string Name, string AgentName, string Llm, string Role, string Goal, string Backstory, string Description, string ExpectedOutput, List<string> Context)
        {
            public string? OutputType { get; init; }

            /// <summary>The output type (transform-local, never part of the model): crew members can be no more accessible than it.</summary>
            public ITypeSymbol? Output { get; init; }

            public int OutputRepairs { get; init; }
        }

        private static ParsedTask? ParseTask(INamedTypeSymbol task, Compilation compilation, CancellationToken cancellationToken)
        {
            var attribute = task.GetAttributes().FirstOrDefault(a => IsAttribute(a.AttributeClass, KnownNames.CrewTaskAttribute) || IsAttribute(a.AttributeClass, KnownNames.GenericCrewTaskAttribute));
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
                if (!SerializationRules.Analyze(output, compilation, requireObjectRoot: true, cancellationToken).IsSerializable)
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

            var agentAttribute = agent.GetAttributes().FirstOrDefault(a => IsAttribute(a.AttributeClass, KnownNames.AgentAttribute));
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

            var context = ReadTypes(attribute, "Context");
            if (context is null)
            {
                return null;
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
            };
        }

        /// <summary>Renders text pieces and templates into prompt parts; null if a template is malformed or names an unknown member.</summary>
        private static List<PromptPart>? Render(Dictionary<string, string> members, params (string Text, string? TemplateName)[] pieces)
        {
            var parts = new List<PromptPart>();
            var literal = new System.Text.StringBuilder();
            foreach (var (text, templateName) in pieces)
            {
                if (templateName is null)
                {
                    literal.Append(text);
                    continue;
                }

                var (segments, errors) = TemplateParser.Parse(text);
                if (errors.Count > 0)
                {
                    return null;
                }

                foreach (var segment in segments)
                {
                    if (!segment.IsPlaceholder)
                    {
                        literal.Append(segment.Text);
                        continue;
                    }

                    if (!members.TryGetValue(segment.Text, out var member) && !members.TryGetValue(segment.Text.ToUpperInvariant(), out member))
                    {
                        return null;
                    }

                    if (literal.Length > 0)
                    {
                        parts.Add(new PromptPart(false, literal.ToString()));
                        literal.Clear();
                    }

                    parts.Add(new PromptPart(true, member));
                }
            }

            if (literal.Length > 0)
            {
                parts.Add(new PromptPart(false, literal.ToString()));
            }

            return parts;
        }

        /// <summary>
        /// Readable public instance members of the input, keyed by exact name and by upper-case name
        /// (placeholders match ignoring case; an exact-case match wins).
        /// </summary>
        internal static Dictionary<string, string> InputMembers(ITypeSymbol input)
        {
            var members = new Dictionary<string, string>();
            var byUpper = new Dictionary<string, string>();
            for (var type = input; type is not null && type.SpecialType != SpecialType.System_Object; type = type.BaseType)
            {
                foreach (var member in type.GetMembers())
                {
                    if (member.IsStatic || member.DeclaredAccessibility != Accessibility.Public || member.IsImplicitlyDeclared)
                    {
                        continue;
                    }

                    var readable = member switch
                    {
                        IPropertySymbol { IsIndexer: false, GetMethod: { DeclaredAccessibility: Accessibility.Public } } => true,
                        IFieldSymbol => true,
                        _ => false,
                    };
                    if (!readable)
                    {
                        continue;
                    }

                    if (!members.ContainsKey(member.Name))
                    {
                        members[member.Name] = member.Name;
                    }

                    var upper = member.Name.ToUpperInvariant();
                    if (!byUpper.ContainsKey(upper))
                    {
                        byUpper[upper] = member.Name;
                    }
                }
            }

            foreach (var pair in byUpper)
            {
                if (!members.ContainsKey(pair.Key))
                {
                    members[pair.Key] = pair.Value;
                }
            }

            return members;
        }

        /// <summary>
        /// The first member <paramref name="crew"/> itself declares that the generator would also emit: the same
        /// name (fields, properties, prompt builders) or the same name and parameter types (crew methods,
        /// constructor). Shared with the AMSHA015 analyzer; null when there is none.
        /// </summary>
        internal static ISymbol? FindGeneratedMemberConflict(INamedTypeSymbol crew, ITypeSymbol? input, IEnumerable<string> taskNames)
        {
            const string Options = "global::Amsha.ExecutionOptions";
            const string Token = "global::System.Threading.CancellationToken";
            var inputType = input is null ? new string[0] : new[] { Display(input) };
            var signatures = new List<(string Name, string[] Parameters)>
            {
                (crew.Name, new[] { "global::Amsha.ExecutionSession" }),
                ("RunAsync", inputType.Concat(new[] { Token }).ToArray()),
                ("RunAsync", inputType.Concat(new[] { Options, Token }).ToArray()),
                ("Start", inputType.Concat(new[] { Token }).ToArray()),
                ("Start", inputType.Concat(new[] { Options, Token }).ToArray()),
                ("StartBackground", inputType),
                ("StartBackground", inputType.Concat(new[] { Options }).ToArray()),
                ("StartBackgroundAsync", inputType.Concat(new[] { Token }).ToArray()),
                ("StartBackgroundAsync", inputType.Concat(new[] { Options, Token }).ToArray()),
                ("Resume", new[] { "string", Options }),
                ("ResumeAsync", new[] { "string", Options, Token }),
            };
            var reservedNames = new HashSet<string>(taskNames.Select(name => "Build" + name + "Prompt")) { "Definition", "__amshaSession" };

            foreach (var member in crew.GetMembers())
            {
                if (member.IsImplicitlyDeclared || member.DeclaringSyntaxReferences.Length == 0)
                {
                    continue;
                }

                var name = member is IMethodSymbol { MethodKind: MethodKind.Constructor } ? crew.Name : member.Name;
                if (reservedNames.Contains(name))
                {
                    return member;
                }

                if (member is IMethodSymbol method && signatures.Any(s => s.Name == name && method.Parameters.Select(p => Display(p.Type)).SequenceEqual(s.Parameters)))
                {
                    return member;
                }
            }

            return null;
        }

        private static string Display(ITypeSymbol type) =>
            type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);

        internal static bool AllPartial(INamedTypeSymbol type, CancellationToken cancellationToken)
        {
            for (var current = type; current is not null; current = current.ContainingType)
            {
                foreach (var reference in current.DeclaringSyntaxReferences)
                {
                    if (reference.GetSyntax(cancellationToken) is not TypeDeclarationSyntax declaration || !declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
                    {
                        return false;
                    }
                }
            }

            return true;
        }

        internal static bool IsAttribute(INamedTypeSymbol? attributeClass, string metadataName)
        {
            if (attributeClass is null)
            {
                return false;
            }

            var definition = attributeClass.OriginalDefinition;
            return definition.ContainingNamespace is { Name: "Amsha", ContainingNamespace.IsGlobalNamespace: true }
                && metadataName == "Amsha." + definition.MetadataName;
        }

        private static string Key(INamedTypeSymbol type) => type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);

        private static bool IsBlank(string? text) => string.IsNullOrWhiteSpace(text);

        /// <summary>The types of a <c>Type[]</c> argument: empty when absent, null when any entry is not a usable type.</summary>
        private static List<INamedTypeSymbol>? ReadTypes(AttributeData attribute, string name)
        {
            var result = new List<INamedTypeSymbol>();
            if (AttributeArguments.Named(attribute, name) is not { } argument)
            {
                return result;
            }

            if (argument.Kind != TypedConstantKind.Array || argument.IsNull)
            {
                return null;
            }

            foreach (var value in argument.Values)
            {
                if (value is not { Kind: TypedConstantKind.Type, Value: INamedTypeSymbol type } || type.TypeKind == TypeKind.Error)
                {
                    return null;
                }

                result.Add(type);
            }

            return result;
        }

        private static string HintName(INamedTypeSymbol type)
        {
            var name = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat).Replace("global::", "");
            var chars = name.Select(c => char.IsLetterOrDigit(c) || c == '.' || c == '_' ? c : '_').ToArray();
            return new string(chars) + ".Crew.g.cs";
        }

        /// <summary>
        /// "public", "internal" or "private": the widest keyword the members taking or returning these
        /// types can have (an internal input type with a public crew would not compile, CS0051).
        /// </summary>
        internal static string MemberAccessibility(params ITypeSymbol?[] types)
        {
            var result = "public";
            foreach (var type in types)
            {
                result = Narrower(result, EffectiveAccessibility(type, depth: 0));
            }

            return result;
        }

        private static string EffectiveAccessibility(ITypeSymbol? type, int depth)
        {
            if (type is null || depth > 16)
            {
                return "public";
            }

            if (type is IArrayTypeSymbol array)
            {
                return EffectiveAccessibility(array.ElementType, depth + 1);
            }

            if (type is not INamedTypeSymbol named)
            {
                return "public";
            }

            var result = "public";
            foreach (var argument in named.TypeArguments)
            {
                result = Narrower(result, EffectiveAccessibility(argument, depth + 1));
            }

            for (var current = named; current is not null; current = current.ContainingType)
            {
                result = current.DeclaredAccessibility switch
                {
                    Accessibility.Public or Accessibility.NotApplicable => result,
                    Accessibility.Internal or Accessibility.ProtectedOrInternal => Narrower(result, "internal"),
                    _ => "private",
                };
            }

            return result;
        }

        private static string Narrower(string a, string b) => a == "private" || b == "private" ? "private" : a == "internal" || b == "internal" ? "internal" : "public";

        // The generated AddAmshaCrews is internal: it can register crews reachable from the assembly, not generic ones.
        private static bool CanRegister(INamedTypeSymbol type)
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
