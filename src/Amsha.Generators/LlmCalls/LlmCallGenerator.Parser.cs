using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using Amsha.Generators.Helpers;
using Amsha.Generators.Serialization;
using Amsha.Generators.Templates;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using static Amsha.Generators.Helpers.CodeText;

namespace Amsha.Generators.LlmCalls;

internal sealed partial class LlmCallGenerator
{
    /// <summary>
    /// Turns an <c>[AmshaLlmCall]</c> method into an <see cref="LlmCallModel"/>, or null when the
    /// method is not valid: the generator then emits nothing and the analyzers (AMSHA004, AMSHA009,
    /// AMSHA012, AMSHA013) say what is wrong.
    /// </summary>
    internal static class Parser
    {
        private static readonly SymbolDisplayFormat s_typeFormat = SymbolDisplayFormat.FullyQualifiedFormat
            .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

        public static LlmCallModel? Parse(AttributeTarget context, CancellationToken cancellationToken)
        {
            if (context.TargetSymbol is not IMethodSymbol method
                || context.TargetNode is not MethodDeclarationSyntax declaration
                || context.Attributes.Length != 1
                || !declaration.Modifiers.Any(SyntaxKind.PartialKeyword)
                || declaration.Body is not null
                || declaration.ExpressionBody is not null
                || method.PartialImplementationPart is not null
                || method.IsGenericMethod
                || method.ContainingType is not { } type
                || !TypeDeclarations.AllPartial(type, cancellationToken))
            {
                return null;
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (!LlmCallReturns.TryClassify(method.ReturnType, out var kind, out var isValueTask, out var result) || result is null)
            {
                return null;
            }

            // A structured result needs a compile-time codec; without one the method gets no body (AMSHA010 says why).
            if (kind == LlmCallReturnKind.Object
                && !SerializationRules.IsSerializable(result, context.SemanticModel.Compilation, SerializationRoot.LlmCallResult, cancellationToken))
            {
                return null;
            }

            string? conversation = null;
            string? cancellation = null;
            var parameters = new List<string>();
            foreach (var parameter in method.Parameters)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (parameter.RefKind != RefKind.None || parameter.Type.TypeKind == TypeKind.Error)
                {
                    return null;
                }

                if (IsCancellationToken(parameter.Type))
                {
                    if (cancellation is not null)
                    {
                        return null;
                    }

                    cancellation = parameter.Name;
                }
                else if (IsConversation(parameter.Type))
                {
                    if (conversation is not null)
                    {
                        return null;
                    }

                    conversation = parameter.Name;
                }

                parameters.Add((parameter.IsParams ? "params " : "") + parameter.Type.ToDisplayString(s_typeFormat) + " " + Identifier(parameter.Name));
            }

            var attribute = context.Attributes[0];
            var promptText = AttributeArguments.String(attribute, "Prompt");
            var systemText = AttributeArguments.String(attribute, "System");
            if (promptText is null && conversation is null)
            {
                return null;
            }

            var prompt = Template(promptText, method);
            var system = Template(systemText, method);
            if ((promptText is not null && prompt is null) || (systemText is not null && system is null))
            {
                return null;
            }

            var useCase = AttributeArguments.String(attribute, "Llm") ?? "default";
            var maxAttempts = AttributeArguments.Int(attribute, "MaxAttempts") ?? 3;
            var timeout = AttributeArguments.Double(attribute, "TimeoutSeconds") ?? 100;
            var total = AttributeArguments.Double(attribute, "TotalTimeoutSeconds") ?? 300;
            var repairs = AttributeArguments.Int(attribute, "OutputRepairs") ?? 0;
            if (string.IsNullOrWhiteSpace(useCase) || maxAttempts < 1 || !(timeout > 0) || !(total > 0) || total < timeout || repairs < 0
                || double.IsInfinity(timeout) || double.IsInfinity(total))
            {
                return null;
            }

            if (Sessions.For(context.SemanticModel.Compilation).Expression(type, method.IsStatic, cancellationToken) is not { } session)
            {
                return null;
            }

            var signature = method.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
            return new LlmCallModel(
                TypeDeclarations.Scope(type),
                GeneratedNames.FileName(TypeDeclarations.HintNamePrefix(type) + "." + method.Name + "_" + StableHash(signature), ".LlmCall.g.cs"),
                method.Name,
                Modifiers(method),
                method.ReturnType.ToDisplayString(s_typeFormat),
                string.Join(", ", parameters),
                kind,
                isValueTask,
                result.ToDisplayString(s_typeFormat),
                session,
                system,
                prompt,
                conversation,
                cancellation,
                useCase,
                maxAttempts,
                timeout,
                total,
                repairs,
                "__amshaLlmCallOptions_" + method.Name + "_" + StableHash(signature));
        }

        /// <summary>
        /// The parameter a <c>{placeholder}</c> binds to: the same name, else the same name ignoring case; a
        /// <c>CancellationToken</c> is never bound. Shared with the AMSHA004 analyzer, so both agree.
        /// </summary>
        internal static IParameterSymbol? BindPlaceholder(IMethodSymbol method, string name) =>
            (method.Parameters.FirstOrDefault(p => p.Name == name)
                ?? method.Parameters.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))) is { } parameter
            && !IsCancellationToken(parameter.Type)
                ? parameter
                : null;

        private static bool IsCancellationToken(ITypeSymbol type) => type.ToDisplayString() == "System.Threading.CancellationToken";

        private static bool IsConversation(ITypeSymbol type)
        {
            static bool IsEnumerableOfMessages(ITypeSymbol t) =>
                t is INamedTypeSymbol { IsGenericType: true } n
                && n.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T
                && n.TypeArguments[0].ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat).TrimEnd('?') == "global::" + KnownNames.ChatMessage;

            return type.SpecialType != SpecialType.System_String && (IsEnumerableOfMessages(type) || type.AllInterfaces.Any(IsEnumerableOfMessages));
        }

        /// <summary>The template's parts with placeholders bound to parameters (exact name first, then ignoring case); null when malformed or unbound.</summary>
        private static EquatableArray<TemplatePart>? Template(string? template, IMethodSymbol method) =>
            template is not null && TemplateBinder.Bind(template, placeholder => BindPlaceholder(method, placeholder)?.Name) is { } parts
                ? parts.ToEquatableArray()
                : null;

        /// <summary>How the generated body reaches the session: a field or property (own or inherited and accessible), or a primary-constructor parameter.</summary>
        /// <remarks>Shared with the AMSHA013 analyzer: a type it accepts is one the generator can implement.</remarks>
        internal static string? SessionExpression(INamedTypeSymbol type, bool isStatic, CancellationToken cancellationToken)
        {
            for (var current = type; current is not null; current = current.BaseType)
            {
                foreach (var member in current.GetMembers())
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var memberType = member switch
                    {
                        IFieldSymbol { IsImplicitlyDeclared: false } field => field.Type,
                        IPropertySymbol { IsIndexer: false, GetMethod: not null } property => property.Type,
                        _ => null,
                    };
                    if (memberType is null || memberType.Name != "ExecutionSession" || memberType.ToDisplayString().TrimEnd('?') != KnownNames.ExecutionSession
                        || isStatic != member.IsStatic
                        || (!ReferenceEquals(current, type) && member.DeclaredAccessibility == Accessibility.Private))
                    {
                        continue;
                    }

                    var access = member.IsStatic ? Identifier(member.Name) : "this." + Identifier(member.Name);
                    return memberType.NullableAnnotation == NullableAnnotation.Annotated
                        ? $"({access} ?? throw new global::System.InvalidOperationException(\"{type.Name}.{member.Name} is null: set the ExecutionSession before calling LLM methods.\"))"
                        : access;
                }
            }

            if (!isStatic)
            {
                foreach (var reference in type.DeclaringSyntaxReferences)
                {
                    if (reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax { ParameterList: { } list } declaration && declaration is not RecordDeclarationSyntax)
                    {
                        foreach (var parameter in list.Parameters)
                        {
                            if (parameter.Type is { } syntax && syntax.ToString().TrimEnd('?') is var text
                                && (text == "ExecutionSession" || text.EndsWith(".ExecutionSession", StringComparison.Ordinal)))
                            {
                                return Identifier(parameter.Identifier.ValueText);
                            }
                        }
                    }
                }
            }

            return null;
        }

        /// <summary>How many types have been searched for their session member in <paramref name="compilation"/> (for tests).</summary>
        internal static int SessionSearches(Compilation compilation) => Sessions.For(compilation).Searches;

        /// <summary>
        /// <see cref="SessionExpression"/> once per type and compilation: every <c>[AmshaLlmCall]</c> method of a type
        /// reaches the session the same way, so a type with thousands of them is searched once, not once per method.
        /// </summary>
        private sealed class Sessions
        {
            private readonly Dictionary<(INamedTypeSymbol Type, bool IsStatic), string?> _expressions = new(new TypeAndStatic());

            public static Sessions For(Compilation compilation) => PerCompilation<Sessions>.Get(compilation, static _ => new Sessions());

            /// <summary>How many types were searched (for tests: one per type, however many calls it has).</summary>
            public int Searches { get; private set; }

            public string? Expression(INamedTypeSymbol type, bool isStatic, CancellationToken cancellationToken)
            {
                lock (_expressions)
                {
                    if (!_expressions.TryGetValue((type, isStatic), out var expression))
                    {
                        Searches++;
                        expression = SessionExpression(type, isStatic, cancellationToken);
                        _expressions.Add((type, isStatic), expression);
                    }

                    return expression;
                }
            }

            private sealed class TypeAndStatic : IEqualityComparer<(INamedTypeSymbol Type, bool IsStatic)>
            {
                public bool Equals((INamedTypeSymbol Type, bool IsStatic) x, (INamedTypeSymbol Type, bool IsStatic) y) =>
                    x.IsStatic == y.IsStatic && SymbolEqualityComparer.Default.Equals(x.Type, y.Type);

                public int GetHashCode((INamedTypeSymbol Type, bool IsStatic) key) =>
                    SymbolEqualityComparer.Default.GetHashCode(key.Type) * 2 + (key.IsStatic ? 1 : 0);
            }
        }

        private static string Modifiers(IMethodSymbol method)
        {
            var builder = new StringBuilder();
            builder.Append(method.DeclaredAccessibility switch
            {
                Accessibility.Public => "public ",
                Accessibility.Internal => "internal ",
                Accessibility.Protected => "protected ",
                Accessibility.ProtectedOrInternal => "protected internal ",
                Accessibility.ProtectedAndInternal => "private protected ",
                Accessibility.Private when HasExplicitAccessibility(method) => "private ",
                _ => "",
            });
            if (method.IsStatic)
            {
                builder.Append("static ");
            }

            if (method.IsVirtual)
            {
                builder.Append("virtual ");
            }

            if (method.IsOverride)
            {
                builder.Append(method.IsSealed ? "sealed override " : "override ");
            }

            return builder.Append("partial").ToString();
        }

        private static bool HasExplicitAccessibility(IMethodSymbol method) =>
            method.DeclaringSyntaxReferences.Any(r => r.GetSyntax() is MethodDeclarationSyntax m && m.Modifiers.Any(SyntaxKind.PrivateKeyword));

        // FNV-1a: stable across processes, unlike string.GetHashCode.
        private static string StableHash(string text)
        {
            var hash = 2166136261u;
            foreach (var c in text)
            {
                hash = (hash ^ c) * 16777619u;
            }

            return hash.ToString("x8", CultureInfo.InvariantCulture);
        }
    }
}
