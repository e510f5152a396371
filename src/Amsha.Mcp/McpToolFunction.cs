using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Amsha.Mcp;

/// <summary>
/// A tool of an MCP server as the tool loop calls it: the server's name, description and schema, and a result the
/// model can read. <see cref="McpClientTool"/> itself returns <see cref="AIContent"/> (one or an array) or the whole
/// <c>CallToolResult</c> as JSON; this returns the result's text, and turns an error result into an exception, so a
/// failing MCP tool is reported (events, spans, <c>OnToolError</c>) exactly like a failing generated tool.
/// </summary>
internal sealed class McpToolFunction : AIFunction
{
    private readonly McpClientTool _tool;
    private readonly string _serverName;

    public McpToolFunction(McpClientTool tool, string serverName)
    {
        _tool = tool;
        _serverName = serverName;
    }

    public override string Name => _tool.Name;

    public override string Description => _tool.Description;

    public override JsonElement JsonSchema => _tool.JsonSchema;

    public override JsonElement? ReturnJsonSchema => _tool.ReturnJsonSchema;

    public override JsonSerializerOptions JsonSerializerOptions => _tool.JsonSerializerOptions;

    public override IReadOnlyDictionary<string, object?> AdditionalProperties => _tool.AdditionalProperties;

    protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
    {
        var result = await _tool.CallAsync(arguments, null, null, cancellationToken).ConfigureAwait(false);
        var text = TextOf(result);
        if (result.IsError == true)
        {
            throw new McpToolSourceException(
                _serverName,
                $"MCP server '{_serverName}' answered with an error: {(text.Length == 0 ? "(no message)" : text)}",
                Name);
        }

        return text;
    }

    /// <summary>
    /// The text of a tool result: its text blocks (and embedded text resources) one per line, a short note for
    /// other content, or the structured content as JSON when there is no text.
    /// </summary>
    internal static string TextOf(CallToolResult result)
    {
        var text = new StringBuilder();
        foreach (var block in result.Content ?? Array.Empty<ContentBlock>())
        {
            var part = block switch
            {
                TextContentBlock t => t.Text,
                EmbeddedResourceBlock { Resource: TextResourceContents r } => r.Text,
                EmbeddedResourceBlock { Resource: { } r } => $"[resource {r.Uri} ({r.MimeType ?? "binary"})]",
                ResourceLinkBlock link => $"[resource link {link.Name}: {link.Uri}]",
                ImageContentBlock image => $"[image ({image.MimeType})]",
                AudioContentBlock audio => $"[audio ({audio.MimeType})]",
                _ => $"[{block.Type} content]",
            };
            text.Append(text.Length == 0 ? "" : "\n").Append(part);
        }

        if (text.Length == 0 && result.StructuredContent is { } structured)
        {
            return structured.GetRawText();
        }

        return text.ToString();
    }
}
