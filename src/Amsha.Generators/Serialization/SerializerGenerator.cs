using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Amsha.Generators.Definitions;
using Amsha.Generators.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Amsha.Generators.Serialization;

/// <summary>
/// Generates a reflection-free JSON codec and JSON Schema for every task output type, every
/// <c>[ExecutionState]</c> type, every serializable crew input type, every structured
/// <c>[AmshaLlmCall]</c> result type, every <c>[Tool]</c> parameter and result type, every task output and crew input a
/// definition file (YAML) names, and the types reachable from them, and a module initializer that registers the codecs
/// in <c>JsonCodecs</c>.
/// </summary>
[Generator(LanguageNames.CSharp)]
internal sealed partial class SerializerGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var declarations = DeclarationSnapshot.Of(context);
        var taskOutputs = Roots(declarations, KnownNames.GenericCrewTaskAttribute, static node => node is ClassDeclarationSyntax or RecordDeclarationSyntax, Parser.ParseTaskOutput, TrackingNames.TaskOutputTypes);
        var stateTypes = Roots(declarations, KnownNames.ExecutionStateAttribute, static node => node is TypeDeclarationSyntax, Parser.ParseStateType, TrackingNames.ExecutionStateTypes);
        var crewInputs = Roots(declarations, KnownNames.GenericCrewAttribute, static node => node is ClassDeclarationSyntax or RecordDeclarationSyntax, Parser.ParseCrewInput, TrackingNames.CrewInputTypes);
        var llmCallResults = Roots(declarations, KnownNames.AmshaLlmCallAttribute, static node => node is MethodDeclarationSyntax, Parser.ParseLlmCallResult, TrackingNames.LlmCallResultTypes);
        var toolTypes = Roots(declarations, KnownNames.ToolAttribute, static node => node is MethodDeclarationSyntax, Parser.ParseToolTypes, TrackingNames.ToolTypes);

        // Task outputs and crew inputs named in definition files (YAML crews).
        var definitionTypes = DefinitionPipeline.SerializableTypes(context, declarations);

        // Every type once, however many roots reach it, sorted by codec name.
        var allTypes = taskOutputs.Collect()
            .Combine(stateTypes.Collect())
            .Combine(crewInputs.Collect())
            .Combine(llmCallResults.Collect())
            .Combine(toolTypes.Collect())
            .Combine(definitionTypes)
            .Select(static (all, cancellationToken) =>
            {
                var attributes = all.Left;
                return Distinct(cancellationToken, attributes.Left.Left.Left.Left, attributes.Left.Left.Left.Right, attributes.Left.Left.Right, attributes.Left.Right, attributes.Right, ImmutableArray.Create(all.Right));
            })
            .WithTrackingName(TrackingNames.AllSerializableTypes);

        // Back to one item, and one output, per type. SelectMany compares each item with the one at the same
        // position, so editing a type's members writes that type's codec again, not all of them. (Adding or
        // removing a type shifts the items after it in name order, and their codecs are written again.)
        var types = allTypes
            .SelectMany(static (types, _) => types)
            .WithTrackingName(TrackingNames.SerializableTypes);

        context.RegisterSourceOutput(types, static (spc, model) => spc.AddSource(model.HintName, Emitter.EmitCodec(model, spc.CancellationToken)));

        // The registration needs every codec, but only its name: a type's members can change without re-emitting it.
        var codecNames = types
            .Select(static (model, _) => model.CodecName)
            .Collect()
            .Select(static (names, _) => names.Distinct().OrderBy(static name => name, System.StringComparer.Ordinal).ToEquatableArray())
            .WithTrackingName(TrackingNames.CodecRegistrations);

        // Tool argument codecs (written by the toolbox generator) compose their schemas with the same class.
        var hasTools = toolTypes.Collect().Select(static (tools, _) => tools.Length > 0);
        context.RegisterSourceOutput(codecNames.Combine(hasTools), static (spc, pair) =>
        {
            var names = pair.Left;
            if (names.Count > 0)
            {
                spc.AddSource("AmshaJsonCodecs.Registration.g.cs", Emitter.EmitRegistration(names));
            }

            if (names.Count > 0 || pair.Right)
            {
                spc.AddSource("AmshaJsonSchemaDefinition.g.cs", Emitter.EmitSchemaDefinition());
            }
        });
    }

    // The models reached from each declaration marked with an attribute (metadata name) that makes roots.
    private static IncrementalValuesProvider<EquatableArray<SerializableTypeModel>> Roots(
        IncrementalValueProvider<DeclarationSnapshot> declarations,
        string attribute,
        System.Func<SyntaxNode, bool> predicate,
        System.Func<AttributeTarget, CancellationToken, EquatableArray<SerializableTypeModel>> parse,
        string trackingName) =>
        declarations.ForAttribute(attribute, predicate, parse).WithTrackingName(trackingName);

    // The same type reached from several roots is emitted once (from the first root, in pipeline order); ordered by name for stable output.
    private static EquatableArray<SerializableTypeModel> Distinct(CancellationToken cancellationToken, params ImmutableArray<EquatableArray<SerializableTypeModel>>[] groups)
    {
        var byCodec = new Dictionary<string, SerializableTypeModel>(System.StringComparer.Ordinal);
        foreach (var roots in groups)
        {
            foreach (var models in roots)
            {
                cancellationToken.ThrowIfCancellationRequested();
                foreach (var model in models)
                {
                    if (!byCodec.TryGetValue(model.CodecName, out var first))
                    {
                        byCodec.Add(model.CodecName, model);
                    }
                    else if (model.LlmOutput && !first.LlmOutput)
                    {
                        // A type a model answers with is described for strict outputs, whichever root reached it first.
                        byCodec[model.CodecName] = first with { LlmOutput = true };
                    }
                }
            }
        }

        // Files are told apart ignoring case: codecs whose files would clash get names that end in a hash.
        var ordered = byCodec.OrderBy(static pair => pair.Key, System.StringComparer.Ordinal).Select(static pair => pair.Value).ToList();
        var clashes = GeneratedFiles.CaseClashes(ordered.Select(static model => model.HintName));
        return ordered.Select(model => clashes.Count == 0 ? model : model with { HintName = GeneratedFiles.NameFor(model.HintName, clashes) }).ToEquatableArray();
    }
}
