using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using Amsha.Generators.Crews;
using Amsha.Generators.Helpers;
using Amsha.Generators.Templates;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

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

        public static LlmCallModel? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
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
                || !CrewGenerator.Parser.AllPartial(type, cancellationToken))
            {
                return null;
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (!TryReturnKind(method.ReturnType, out var kind, out var isValueTask, out var resultType))
            {
                return null;
            }

            string? conversation = null;
            string? cancellation = null;
            var parameters = new List<string>();
            foreach (var parameter in method.Parameters)
            {
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

            if (SessionExpression(type, method.IsStatic, cancellationToken) is not { } session)
            {
                return null;
            }

            var signature = method.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
            return new LlmCallModel(
                type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : null,
                TypeDeclarations.ContainingTypes(type, includeSelf: true),
                HintName(type, method, signature),
                method.Name,
                Modifiers(method),
                method.ReturnType.ToDisplayString(s_typeFormat),
                string.Join(", ", parameters),
                kind,
                isValueTask,
                resultType,
                session,
                system,
                prompt,
                conversation is null ? null : Identifier(conversation),
                cancellation is null ? null : Identifier(cancellation),
                useCase,
                maxAttempts,
                timeout,
                total,
                repairs,
                "__amshaLlmCallOptions_" + method.Name + "_" + StableHash(signature));
        }

        /// <summary>The return shapes the generator implements; shared with the AMSHA012 analyzer.</summary>
        internal static bool TryReturnKind(ITypeSymbol returnType, out LlmCallReturnKind kind, out bool isValueTask, out string resultType)
        {
            kind = LlmCallReturnKind.Text;
            isValueTask = false;
            resultType = "";
            if (returnType is not INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 1 } named)
            {
                return false;
            }

            var argument = named.TypeArguments[0];
            if (argument.TypeKind is TypeKind.Error or TypeKind.TypeParameter or TypeKind.Pointer or TypeKind.FunctionPointer or TypeKind.Dynamic)
            {
                return false;
            }

            var definition = named.OriginalDefinition.ToDisplayString();
            resultType = argument.ToDisplayString(s_typeFormat);
            switch (definition)
            {
                case "System.Collections.Generic.IAsyncEnumerable<T>":
                    kind = LlmCallReturnKind.Stream;
                    return argument.SpecialType == SpecialType.System_String;
                case "System.Threading.Tasks.Task<TResult>":
                case "System.Threading.Tasks.ValueTask<TResult>":
                    isValueTask = definition.StartsWith("System.Threading.Tasks.ValueTask", StringComparison.Ordinal);
                    kind = argument.SpecialType == SpecialType.System_String ? LlmCallReturnKind.Text
                        : argument.ToDisplayString() == KnownNames.ChatResponse ? LlmCallReturnKind.Response
                        : LlmCallReturnKind.Object;

                    // Structured results are data (parsed through their JSON codec): not interfaces, delegates or tasks.
                    return kind != LlmCallReturnKind.Object
                        || (argument.TypeKind is TypeKind.Class or TypeKind.Struct or TypeKind.Enum or TypeKind.Array
                            && argument.OriginalDefinition.ToDisplayString() is not ("System.Threading.Tasks.Task<TResult>" or "System.Threading.Tasks.ValueTask<TResult>" or "System.Threading.Tasks.Task" or "System.Threading.Tasks.ValueTask"));
                default:
                    return false;
            }
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
        private static EquatableArray<LlmTemplatePart>? Template(string? template, IMethodSymbol method)
        {
            if (template is null)
            {
                return null;
            }

            var (segments, errors) = TemplateParser.Parse(template);
            if (errors.Count > 0)
            {
                return null;
            }

            var parts = new List<LlmTemplatePart>();
            foreach (var segment in segments)
            {
                if (!segment.IsPlaceholder)
                {
                    parts.Add(new LlmTemplatePart(false, segment.Text));
                    continue;
                }

                if (BindPlaceholder(method, segment.Text) is not { } parameter)
                {
                    return null;
                }

                parts.Add(new LlmTemplatePart(true, Identifier(parameter.Name)));
            }

            return parts.ToEquatableArray();
        }

        /// <summary>How the generated body reaches the session: a field or property (own or inherited and accessible), or a primary-constructor parameter.</summary>
        /// <remarks>Shared with the AMSHA013 analyzer: a type it accepts is one the generator can implement.</remarks>
        internal static string? SessionExpression(INamedTypeSymbol type, bool isStatic, CancellationToken cancellationToken)
        {
            for (var current = type; current is not null; current = current.BaseType)
            {
                foreach (var member in current.GetMembers())
                {
                    var memberType = member switch
                    {
                        IFieldSymbol { IsImplicitlyDeclared: false } field => field.Type,
                        IPropertySymbol { IsIndexer: false, GetMethod: not null } property => property.Type,
                        _ => null,
                    };
                    if (memberType is null || memberType.ToDisplayString().TrimEnd('?') != KnownNames.ExecutionSession
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

        private static string Identifier(string name) =>
            SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(name) is SyntaxKind.AwaitKeyword ? "@" + name : name;

        private static string HintName(INamedTypeSymbol type, IMethodSymbol method, string signature)
        {
            var name = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat).Replace("global::", "");
            var chars = name.Select(c => char.IsLetterOrDigit(c) || c == '.' || c == '_' ? c : '_').ToArray();
            return new string(chars) + "." + method.Name + "_" + StableHash(signature) + ".LlmCall.g.cs";
        }

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
