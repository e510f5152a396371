using Amsha.Generators.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Amsha.Generators.Analyzers;

/// <summary>What an invocation starts, as far as the control-flow analyzers care.</summary>
internal enum ExecutionCallKind
{
    None,

    /// <summary>A crew's generated <c>RunAsync</c>: interactive, awaited to its result.</summary>
    RunAsync,

    /// <summary>A crew's generated <c>Start</c>: interactive handle that streams.</summary>
    Start,

    /// <summary>A crew's generated <c>StartBackground</c>: background handle, does not stream.</summary>
    StartBackground,

    /// <summary>A crew's generated <c>StartBackgroundAsync</c>: a task of a background handle.</summary>
    StartBackgroundAsync,

    /// <summary>A crew's generated <c>Resume(executionId)</c>: continues a background execution.</summary>
    Resume,

    /// <summary>A crew's generated <c>ResumeAsync(executionId)</c>: a task of the resumed background handle.</summary>
    ResumeAsync,

    /// <summary>An <c>[AmshaLlmCall]</c> method: one resilient LLM call.</summary>
    LlmCall,

    /// <summary><c>ExecutionHandle&lt;T&gt;.ResultAsync</c>.</summary>
    HandleResult,
}

/// <summary>
/// Recognizes the members Amsha generates or declares from their shape and the attribute on the
/// containing type, not from generated-code markers: the analyzers see the same thing whether the
/// generator has run yet or not.
/// </summary>
internal static class ExecutionCalls
{
    /// <summary>The runtime's default attempts per LLM call (retry policy of the call path).</summary>
    public const int DefaultMaxAttempts = 3;

    public static ExecutionCallKind Classify(IMethodSymbol method, AmshaSymbols symbols)
    {
        switch (method.Name)
        {
            case "RunAsync":
            case "Start":
            case "StartBackground":
            case "StartBackgroundAsync":
            case "Resume":
            case "ResumeAsync":
                return IsCrewMember(method, symbols) ? KindOf(method.Name) : ExecutionCallKind.None;
            case "ResultAsync":
                return IsHandleMember(method, symbols) ? ExecutionCallKind.HandleResult : ExecutionCallKind.None;
            default:
                return IsLlmCall(method, symbols) ? ExecutionCallKind.LlmCall : ExecutionCallKind.None;
        }
    }

    /// <summary>True for <c>StartBackground</c> and <c>Resume</c> (and their <c>Async</c> forms): their handles run in the background.</summary>
    public static bool IsBackground(ExecutionCallKind kind) =>
        kind is ExecutionCallKind.StartBackground or ExecutionCallKind.StartBackgroundAsync or ExecutionCallKind.Resume or ExecutionCallKind.ResumeAsync;

    /// <summary>True for the <c>Async</c> forms of the background starts: they return a task of the handle.</summary>
    public static bool ReturnsTaskOfHandle(ExecutionCallKind kind) => kind is ExecutionCallKind.StartBackgroundAsync or ExecutionCallKind.ResumeAsync;

    /// <summary>True for crew runs and <c>[AmshaLlmCall]</c> methods: every LLM call in them already retries.</summary>
    public static bool Retries(ExecutionCallKind kind) => kind is not (ExecutionCallKind.None or ExecutionCallKind.HandleResult);

    public static bool IsLlmCall(IMethodSymbol method, AmshaSymbols symbols) =>
        symbols.AmshaLlmCallAttribute is not null && CouldBeLlmCall(method) && FindLlmCallAttribute(method, symbols) is not null;

    /// <summary>
    /// A cheap shape test before reading attributes (this runs for every invocation): an
    /// <c>[AmshaLlmCall]</c> method is a partial method in source, and returns a generic task or stream.
    /// </summary>
    private static bool CouldBeLlmCall(IMethodSymbol method)
    {
        if (method.MethodKind != MethodKind.Ordinary || method.ReturnType is not INamedTypeSymbol { IsGenericType: true })
        {
            return false;
        }

        return method.DeclaringSyntaxReferences.IsEmpty || method.IsPartialDefinition || method.PartialDefinitionPart is not null;
    }

    /// <summary>The <c>MaxAttempts</c> of an <c>[AmshaLlmCall]</c> method (3 when not set).</summary>
    public static int MaxAttempts(IMethodSymbol method, AmshaSymbols symbols)
    {
        return FindLlmCallAttribute(method, symbols) is { } data
            ? AttributeArguments.Int(data, "MaxAttempts") ?? DefaultMaxAttempts
            : DefaultMaxAttempts;
    }

    /// <summary>The invocation behind <paramref name="operation"/> (conversions, parentheses and <c>await</c> removed), or null.</summary>
    public static IInvocationOperation? UnwrapInvocation(IOperation? operation)
    {
        while (true)
        {
            switch (operation)
            {
                case IConversionOperation conversion:
                    operation = conversion.Operand;
                    break;
                case IParenthesizedOperation parenthesized:
                    operation = parenthesized.Operand;
                    break;
                case IAwaitOperation awaited:
                    operation = awaited.Operation;
                    break;
                case IInvocationOperation invocation:
                    return invocation;
                default:
                    return null;
            }
        }
    }

    /// <summary>
    /// The class of the crew a <c>RunAsync</c> call runs, or null: the type declaring an instance <c>RunAsync</c> that
    /// returns <c>Task&lt;CrewResult&lt;T&gt;&gt;</c> (a <c>[Crew]</c> or a crew of a definition file, the caller decides),
    /// or <c>X</c> of <c>session.RunAsync(X.Definition, …)</c> (<c>Amsha.Generated.CrewExecution.RunAsync</c>).
    /// A definition held in a variable or field is unknown flow: null.
    /// </summary>
    public static INamedTypeSymbol? RunCrew(IInvocationOperation invocation, AmshaSymbols symbols)
    {
        var method = invocation.TargetMethod;
        if (method.Name != "RunAsync")
        {
            return null;
        }

        var definition = method.ReducedFrom ?? method;
        if (definition.IsStatic)
        {
            if (symbols.CrewExecution is not { } execution || !SymbolEqualityComparer.Default.Equals(definition.ContainingType, execution))
            {
                return null;
            }

            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter?.Name == "crew")
                {
                    return UnwrapConversions(argument.Value) is IPropertyReferenceOperation { Property: { Name: "Definition", IsStatic: true } property }
                        ? property.ContainingType
                        : null;
                }
            }

            return null;
        }

        return method.ContainingType is { } type
            && method.ReturnType is INamedTypeSymbol { Name: "Task", IsGenericType: true, TypeArguments.Length: 1 } returned
            && returned.TypeArguments[0] is INamedTypeSymbol { Name: "CrewResult", ContainingNamespace: { Name: "Amsha", ContainingNamespace.IsGlobalNamespace: true } }
                ? type
                : null;
    }

    private static IOperation UnwrapConversions(IOperation operation)
    {
        while (operation is IConversionOperation or IParenthesizedOperation)
        {
            operation = operation is IConversionOperation conversion ? conversion.Operand : ((IParenthesizedOperation)operation).Operand;
        }

        return operation;
    }

    /// <summary>The member-of-a-type display used in messages: <c>ArticleCrew.RunAsync</c>.</summary>
    public static string Display(IMethodSymbol method) => method.ContainingType.Name + "." + method.Name;

    private static ExecutionCallKind KindOf(string name) => name switch
    {
        "RunAsync" => ExecutionCallKind.RunAsync,
        "Start" => ExecutionCallKind.Start,
        "StartBackground" => ExecutionCallKind.StartBackground,
        "StartBackgroundAsync" => ExecutionCallKind.StartBackgroundAsync,
        "ResumeAsync" => ExecutionCallKind.ResumeAsync,
        _ => ExecutionCallKind.Resume,
    };

    private static bool IsCrewMember(IMethodSymbol method, AmshaSymbols symbols)
    {
        if (method.IsStatic || method.ContainingType is not { } type || symbols.Markers(type).Crew is null)
        {
            return false;
        }

        // RunAsync returns Task<CrewResult<T>>, the Async starts Task<ExecutionHandle<T>>, Start an
        // InteractiveExecutionHandle<T>, StartBackground and Resume an ExecutionHandle<T>.
        var returned = method.ReturnType as INamedTypeSymbol;
        return method.Name switch
        {
            "RunAsync" => returned is { Name: "Task", IsGenericType: true },
            "StartBackgroundAsync" or "ResumeAsync" => returned is { Name: "Task", IsGenericType: true, TypeArguments.Length: 1 } && IsHandle(returned.TypeArguments[0] as INamedTypeSymbol, symbols.ExecutionHandle),
            "Start" => IsHandle(returned, symbols.InteractiveExecutionHandle),
            _ => IsHandle(returned, symbols.ExecutionHandle),
        };
    }

    private static bool IsHandle(INamedTypeSymbol? type, INamedTypeSymbol? handle) =>
        type is not null && handle is not null && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, handle);

    private static bool IsHandleMember(IMethodSymbol method, AmshaSymbols symbols) =>
        symbols.ExecutionHandle is { } handle && SymbolEqualityComparer.Default.Equals(method.ContainingType?.OriginalDefinition, handle);

    // The generator writes the implementation part; the attribute sits on the definition (read once per method).
    private static AttributeData? FindLlmCallAttribute(IMethodSymbol method, AmshaSymbols symbols) =>
        symbols.LlmCallAttribute(method.PartialDefinitionPart ?? method.OriginalDefinition);
}
