using System.Linq;
using Amsha.Generators.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Amsha.Generators.Tools;

/// <summary>
/// Generates, for each <c>[Toolbox]</c> class, one <c>AIFunction</c> per <c>[Tool]</c> method (its arguments'
/// JSON Schema written at compile time, its arguments read by a generated codec, its result written by one),
/// the toolbox's definition that crews bind to an instance, and <c>CreateAIFunctions()</c> on the class.
/// </summary>
[Generator(LanguageNames.CSharp)]
internal sealed partial class ToolboxGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var toolboxes = DeclarationSnapshot.Of(context)
            .ForAttribute(
                KnownNames.ToolboxAttribute,
                static node => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                Parser.Parse)
            .Where(static model => model is not null)
            .WithTrackingName(TrackingNames.ToolboxModels);

        // Files are told apart ignoring case: toolboxes whose files would differ only in case get hashed names.
        var caseClashes = GeneratedFiles.CaseClashes(toolboxes.SelectMany(static (model, _) => model!.Tools.Select(static tool => tool.ArgumentsCodec.HintName).Prepend(model.HintName)));
        context.RegisterSourceOutput(toolboxes.Combine(caseClashes), static (spc, pair) =>
        {
            var (model, clashes) = pair;
            spc.AddSource(GeneratedFiles.NameFor(model!.HintName, clashes), Emitter.EmitToolbox(model, spc.CancellationToken));
            foreach (var tool in model.Tools)
            {
                spc.AddSource(GeneratedFiles.NameFor(tool.ArgumentsCodec.HintName, clashes), Emitter.EmitArgumentsCodec(tool, spc.CancellationToken));
            }
        });
    }
}
