using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Amsha.Generators.Analyzers.Leakage;

/// <summary>
/// AMSHA102: direct <c>IChatClient.GetResponseAsync</c>/<c>GetStreamingResponseAsync</c> calls (the
/// interface members, implementations of them, and the <c>ChatClientExtensions</c> overloads). Inside
/// declaration types always; elsewhere only with <c>amsha_enforce_proxy_rule = true</c>. The Amsha
/// runtime (the assembly that defines the attributes) and generated code are exempt.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DirectChatClientCallAnalyzer : AmshaAnalyzer
{
    public const string EnforceOption = "amsha_enforce_proxy_rule";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(DiagnosticDescriptors.DirectChatClientCall);

    private protected override void OnCompilationStart(CompilationStartAnalysisContext start, AmshaSymbols symbols)
    {
        // The runtime itself calls IChatClient: that is the Amsha path, not a bypass of it.
        if (symbols.ChatClient is null || SymbolEqualityComparer.Default.Equals(symbols.AgentAttribute.ContainingAssembly, start.Compilation.Assembly))
        {
            return;
        }

        var chatClients = new AnalysisCache<ITypeSymbol, bool>(SymbolEqualityComparer.Default);
        start.RegisterOperationAction(c => Analyze(c, symbols, chatClients), OperationKind.Invocation);
    }

    private static void Analyze(OperationAnalysisContext context, AmshaSymbols symbols, AnalysisCache<ITypeSymbol, bool> chatClients)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;
        var cancellationToken = context.CancellationToken;
        symbols.Work.Step(WorkKind.Operations, cancellationToken);
        if (method.Name is not ("GetResponseAsync" or "GetStreamingResponseAsync") || !IsChatClientCall(method, symbols, chatClients, cancellationToken))
        {
            return;
        }

        string where;
        if (LeakageScope.DeclarationOwner(context.ContainingSymbol, symbols, cancellationToken) is { } owner)
        {
            where = $"in declaration type '{owner.Name}'";
        }
        else if (AmshaOptions.IsTrue(context.Options, invocation.Syntax.SyntaxTree, EnforceOption))
        {
            where = $"(the project sets {EnforceOption} = true)";
        }
        else
        {
            return;
        }

        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.DirectChatClientCall,
            invocation.Syntax.GetLocation(),
            "IChatClient." + method.Name,
            where));
    }

    private static bool IsChatClientCall(IMethodSymbol method, AmshaSymbols symbols, AnalysisCache<ITypeSymbol, bool> chatClients, CancellationToken cancellationToken)
    {
        if (method.IsExtensionMethod || (method.IsStatic && method.Parameters.Length > 0))
        {
            var first = (method.ReducedFrom ?? method).Parameters;
            return first.Length > 0 && IsChatClient(first[0].Type, symbols, chatClients, cancellationToken);
        }

        return method.ContainingType is { } type && IsChatClient(type, symbols, chatClients, cancellationToken);
    }

    /// <summary>True for <c>IChatClient</c> and the types that implement it; each type's interfaces are read once.</summary>
    private static bool IsChatClient(ITypeSymbol type, AmshaSymbols symbols, AnalysisCache<ITypeSymbol, bool> chatClients, CancellationToken cancellationToken) =>
        chatClients.Get(type, t =>
        {
            var chatClient = symbols.ChatClient!;
            if (SymbolEqualityComparer.Default.Equals(t, chatClient))
            {
                return true;
            }

            foreach (var implemented in t.AllInterfaces)
            {
                symbols.Work.Step(WorkKind.Types, cancellationToken);
                if (SymbolEqualityComparer.Default.Equals(implemented, chatClient))
                {
                    return true;
                }
            }

            return false;
        });
}
