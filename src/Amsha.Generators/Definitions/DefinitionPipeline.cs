using System.Collections.Generic;
using System.Linq;
using Amsha.Definitions;
using Amsha.Generators.Crews;
using Amsha.Generators.Helpers;
using Amsha.Generators.Serialization;
using Microsoft.CodeAnalysis;

namespace Amsha.Generators.Definitions;

/// <summary>
/// The incremental steps that turn definition files into crew models and serializer roots, shared by the crew and the
/// serializer generators:
/// <code>
/// AdditionalFiles marked AmshaDefinition ─ read each (DefinitionDocuments) ─ Collect ─ merge (DefinitionCatalog) ─┬─ names it needs ─┐
/// global options ─ namespaces (DefinitionOptions) ─────────────────────────────────────────────────────────────────┤                   ├─ + Compilation ─ facts (DefinitionTypeFacts)
///                                                                                                                  └─ bind (catalog, options, facts) ─ SelectMany ─ one CrewModel per crew (DefinitionCrewModels)
/// </code>
/// Editing a C# file re-runs only the facts step, whose plain-value output compares equal when the named types did not
/// change, so binding and every crew's output stay cached; editing one definition file re-reads that file and
/// re-binds, and only the crews whose models changed are emitted again.
/// </summary>
internal static class DefinitionPipeline
{
    /// <summary>Every definition file read and merged.</summary>
    public static IncrementalValueProvider<DefinitionCatalog> Catalog(IncrementalGeneratorInitializationContext context) =>
        context.AdditionalTextsProvider
            .Combine(context.AnalyzerConfigOptionsProvider)
            .Where(static pair => DefinitionParser.IsDefinitionFile(pair.Right.GetOptions(pair.Left)))
            .Select(static (pair, cancellationToken) => DefinitionParser.Read(pair.Left, cancellationToken))
            .WithTrackingName(TrackingNames.DefinitionDocuments)
            .Collect()
            .Select(static (documents, cancellationToken) => DefinitionCatalog.Build(documents, cancellationToken))
            .WithTrackingName(TrackingNames.DefinitionCatalog);

    /// <summary>The namespaces from the build properties.</summary>
    public static IncrementalValueProvider<DefinitionOptions> Options(IncrementalGeneratorInitializationContext context) =>
        context.AnalyzerConfigOptionsProvider
            .Select(static (provider, _) => DefinitionParser.Options(provider.GlobalOptions))
            .WithTrackingName(TrackingNames.DefinitionOptions);

    /// <summary>One model per crew that can be generated, for the crew emitter.</summary>
    public static IncrementalValuesProvider<CrewModel> CrewModels(IncrementalGeneratorInitializationContext context, IncrementalValueProvider<DeclarationSnapshot> declarations)
    {
        var catalog = Catalog(context);
        var options = Options(context);
        var references = catalog.Combine(options).Select(static (pair, cancellationToken) => DefinitionParser.References(pair.Left, pair.Right, cancellationToken));

        // The only step that sees the compilation; its output is plain values.
        var facts = references.Combine(options).Combine(declarations)
            .Select(static (pair, cancellationToken) => DefinitionTypes.Read(pair.Left.Left, pair.Left.Right, pair.Right.Compilation, cancellationToken))
            .WithTrackingName(TrackingNames.DefinitionTypeFacts);

        // Back to one item per crew: SelectMany compares each model with the one at its position, so an edit that
        // changes one crew's model emits only that crew again.
        return catalog.Combine(options).Combine(facts)
            .Select(static (pair, cancellationToken) => DefinitionParser.Bind(pair.Left.Left, pair.Left.Right, pair.Right, cancellationToken).Crews.ToEquatableArray())
            .SelectMany(static (crews, _) => crews)
            .WithTrackingName(TrackingNames.DefinitionCrewModels);
    }

    /// <summary>
    /// The codecs the types named in definition files need: task outputs (the model answers with them) and crew inputs
    /// (durable executions persist them, when they are serializable; silent otherwise, as for <c>[Crew&lt;TInput&gt;]</c>).
    /// </summary>
    public static IncrementalValueProvider<EquatableArray<SerializableTypeModel>> SerializableTypes(IncrementalGeneratorInitializationContext context, IncrementalValueProvider<DeclarationSnapshot> declarations)
    {
        var options = Options(context);
        var references = Catalog(context).Combine(options).Select(static (pair, cancellationToken) => DefinitionParser.References(pair.Left, pair.Right, cancellationToken));
        return references.Combine(options).Combine(declarations)
            .Select(static (pair, cancellationToken) =>
            {
                var (references, options) = pair.Left;
                var compilation = pair.Right.Compilation;
                var models = new List<SerializableTypeModel>();
                foreach (var (names, root) in new[] { (references.OutputTypes, SerializationRoot.TaskOutput), (references.InputTypes, SerializationRoot.CrewInput) })
                {
                    foreach (var name in names)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        if (DefinitionTypes.Resolve(compilation, name, options, out _, out _, cancellationToken) is { SpecialType: not SpecialType.System_String } type)
                        {
                            var analysis = SerializationRules.Analyze(type, compilation, root, cancellationToken);
                            if (analysis.IsSerializable)
                            {
                                models.AddRange(analysis.Types);
                            }
                        }
                    }
                }

                return models.ToEquatableArray();
            })
            .WithTrackingName(TrackingNames.DefinitionSerializableTypes);
    }
}
