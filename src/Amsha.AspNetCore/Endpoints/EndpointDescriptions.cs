using System;
using System.Reflection;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Amsha.AspNetCore.Endpoints;

/// <summary>
/// Describes the endpoints' parameters and request body to ApiExplorer, hence to OpenAPI. The endpoints are plain
/// <see cref="RequestDelegate"/>s (no reflection-based binding; they read route values, query, headers and body
/// themselves, so refusals get problem details), which ApiExplorer cannot describe: each gets the signature of a
/// method here (never called) as its <see cref="MethodInfo"/> metadata, with one <see cref="IParameterBindingMetadata"/>
/// per parameter.
/// </summary>
internal static class EndpointDescriptions
{
    public static readonly Delegate Crews = (Func<Task>)ListCrews;
    public static readonly Delegate Start = (Func<string, JsonElement, Task>)StartExecution;
    public static readonly Delegate List = (Func<string?, string?, int?, int?, Task>)ListExecutions;
    public static readonly Delegate Execution = (Func<string, Task>)OneExecution;
    public static readonly Delegate Events = (Func<string, string?, long?, Task>)ExecutionEvents;

    /// <summary>Gives <paramref name="builder"/>'s endpoint the signature of <paramref name="description"/>.</summary>
    public static TBuilder DescribedBy<TBuilder>(this TBuilder builder, Delegate description)
        where TBuilder : IEndpointConventionBuilder
    {
        var method = description.Method;
        builder.WithMetadata(method);
        foreach (var parameter in method.GetParameters())
        {
            builder.WithMetadata(new ParameterBinding(parameter));
        }

        return builder;
    }

    private static Task ListCrews() => Task.CompletedTask;

    private static Task StartExecution([FromRoute] string crew, [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] JsonElement input) => Task.CompletedTask;

    private static Task ListExecutions([FromQuery] string? crew, [FromQuery] string? status, [FromQuery] int? skip, [FromQuery] int? take) => Task.CompletedTask;

    private static Task OneExecution([FromRoute] string id) => Task.CompletedTask;

    private static Task ExecutionEvents([FromRoute] string id, [FromHeader(Name = "Last-Event-ID")] string? lastEventIdHeader, [FromQuery] long? lastEventId) => Task.CompletedTask;

    private sealed class ParameterBinding(ParameterInfo parameter) : IParameterBindingMetadata
    {
        public string Name => parameter.Name ?? "";

        public bool HasTryParse => parameter.ParameterType != typeof(JsonElement);

        public bool HasBindAsync => false;

        public ParameterInfo ParameterInfo => parameter;

        public bool IsOptional => parameter.ParameterType != typeof(string) || Nullable.GetUnderlyingType(parameter.ParameterType) is not null;
    }
}
