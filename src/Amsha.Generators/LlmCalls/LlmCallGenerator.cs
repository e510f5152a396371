using Amsha.Generators.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Amsha.Generators.LlmCalls;

/// <summary>
/// Implements <c>partial</c> methods marked <c>[AmshaLlmCall]</c> (the LoggerMessage pattern): the
/// generated body renders the prompt templates from the parameters and calls the one LLM call path
/// through <c>Amsha.AmshaLlmCalls</c>. Invalid methods get no body; the analyzers report them.
/// </summary>
[Generator(LanguageNames.CSharp)]
internal sealed partial class LlmCallGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var calls = DeclarationSnapshot.Of(context)
            .ForAttribute(
                KnownNames.AmshaLlmCallAttribute,
                static node => node is MethodDeclarationSyntax,
                static (ctx, ct) => Parser.Parse(ctx, ct))
            .Where(static model => model is not null)
            .WithTrackingName(TrackingNames.LlmCallModels);

        context.RegisterSourceOutput(calls, static (spc, model) => spc.AddSource(model!.HintName, Emitter.Emit(model)));
    }
}
