using System;
using Amsha.Generated;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Server;

namespace Amsha.Mcp;

/// <summary>
/// Serves crews as MCP tools, so an MCP client (an IDE, a desktop assistant, another agent) can run them:
/// <c>services.AddMcpServer().WithStdioServerTransport().WithAmshaCrew(ArticleCrew.Definition, "Writes an article")</c>.
/// </summary>
/// <remarks>
/// The tool is named after the crew; its input schema is the crew input type's compile-time JSON Schema and its
/// arguments are read by the same generated codec (no reflection, NativeAOT-safe). Arguments that do not fit give
/// an error result naming the member; a failed execution gives an error result with Amsha's message. The output is
/// returned as text (a <see cref="string"/> output) or as JSON, also as structured content when it is an object.
/// A client that sends a progress token receives a progress notification as each task completes.
/// </remarks>
public static class McpCrewTools
{
    /// <summary>
    /// Adds <paramref name="crew"/> (a generated crew's <c>Definition</c>) to the server's tools. Calls run in the
    /// container's <see cref="ExecutionSession"/>; Amsha is registered with <c>services.AddAmsha()</c> if it is not yet.
    /// </summary>
    /// <param name="builder">The MCP server builder.</param>
    /// <param name="crew">The crew, e.g. <c>ArticleCrew.Definition</c>.</param>
    /// <param name="description">What the crew does, for the client's model; a description listing its tasks when null.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The crew's input type is not a JSON object (MCP tool arguments are one).</exception>
    /// <exception cref="InvalidOperationException">The crew's input or output type has no registered JSON codec.</exception>
    public static IMcpServerBuilder WithAmshaCrew<TInput, TOutput>(this IMcpServerBuilder builder, CrewDefinition<TInput, TOutput> crew, string? description = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddAmsha();
        return builder.WithTools(new[] { Create(crew, description) });
    }

    /// <summary>
    /// <paramref name="crew"/> as an MCP server tool, for servers built without the builder (e.g. in
    /// <c>McpServerOptions.ToolCollection</c>).
    /// </summary>
    /// <param name="crew">The crew, e.g. <c>ArticleCrew.Definition</c>.</param>
    /// <param name="description">What the crew does, for the client's model; a description listing its tasks when null.</param>
    /// <param name="session">The session calls run in; when null, the <see cref="ExecutionSession"/> of the server's services.</param>
    /// <exception cref="ArgumentException">The crew's input type is not a JSON object (MCP tool arguments are one).</exception>
    /// <exception cref="InvalidOperationException">The crew's input or output type has no registered JSON codec.</exception>
    public static McpServerTool Create<TInput, TOutput>(CrewDefinition<TInput, TOutput> crew, string? description = null, ExecutionSession? session = null) =>
        new CrewTool<TInput, TOutput>(crew, description, session);
}
