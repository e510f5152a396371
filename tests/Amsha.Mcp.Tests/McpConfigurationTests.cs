using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Xunit;

namespace Amsha.Mcp.Tests;

/// <summary><c>Amsha:Mcp</c> is validated with messages that name the keys; nothing starts until a tool is needed.</summary>
public sealed class McpConfigurationTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddAmsha().AddMcpServers();
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task Each_configured_server_is_a_tool_source_of_the_session_named_by_its_key_that_starts_on_first_use()
    {
        await using var provider = Build(new()
        {
            ["Amsha:Mcp:Servers:test:Command"] = "amsha-no-such-mcp-server",
            ["Amsha:Mcp:Servers:test:Arguments:0"] = "--root",
            ["Amsha:Mcp:Servers:test:Arguments:1"] = ".",
            ["Amsha:Mcp:Servers:test:WorkingDirectory"] = ".",
            ["Amsha:Mcp:Servers:test:Environment:LEVEL"] = "debug",
            ["Amsha:Mcp:Servers:search:Endpoint"] = "https://mcp.example.com/mcp",
            ["Amsha:Mcp:Servers:search:Headers:Authorization"] = "Bearer x",
        });
        using var timeout = TestServer.Timeout();

        var options = provider.GetRequiredService<IOptions<McpOptions>>().Value;
        var session = provider.GetRequiredService<ExecutionSession>();
        var failure = await Assert.ThrowsAnyAsync<ExecutionException>(() => new McpCrew(session).RunAsync(new McpQuestion("x"), timeout.Token));

        Assert.Equal(["--root", "."], options.Servers["TEST"].Arguments);
        Assert.Equal("debug", options.Servers["test"].Environment["LEVEL"]);
        Assert.Equal("Bearer x", options.Servers["search"].Headers["authorization"]);

        // Resolving the session started nothing; the task that needed the server tried to start it, and says so.
        var error = Assert.IsType<McpToolSourceException>(failure.InnerException);
        Assert.Equal("test", error.ServerName);
        Assert.StartsWith("MCP server 'test' could not be started (command 'amsha-no-such-mcp-server')", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Amsha:Mcp:Servers:bad:WorkingDirectory", ".", "Amsha:Mcp:Servers:bad sets neither Amsha:Mcp:Servers:bad:Command (a server started as a process, spoken to over stdio) nor Amsha:Mcp:Servers:bad:Endpoint (a server reached over HTTP). Set one of them.")]
    [InlineData("Amsha:Mcp:Servers:bad:Endpoint", "https://example.com/mcp", "Amsha:Mcp:Servers:bad sets both Amsha:Mcp:Servers:bad:Command and Amsha:Mcp:Servers:bad:Endpoint.")]
    [InlineData("Amsha:Mcp:Servers:bad:Comand", "npx", "Amsha:Mcp:Servers:bad:Comand is not a known setting. Known settings here: Command, Arguments, WorkingDirectory, Environment, Endpoint, Headers.")]
    [InlineData("Amsha:Mcp:Server:bad:Command", "npx", "Amsha:Mcp:Server is not a known setting. Known settings here: Servers.")]
    [InlineData("Amsha:Mcp:Servers:bad:Arguments", "-y server", "Amsha:Mcp:Servers:bad:Arguments is '-y server', a single value; it is a list: write Amsha:Mcp:Servers:bad:Arguments:0, :1, … (in JSON, an array).")]
    [InlineData("Amsha:Mcp:Servers:bad:Headers:Authorization", "Bearer x", "Amsha:Mcp:Servers:bad:Headers applies only to a server with Endpoint; this one has Command. Remove it.")]
    public void An_invalid_server_is_reported_naming_the_key(string key, string value, string expected)
    {
        var settings = new Dictionary<string, string?> { [key] = value };
        if (!key.Contains(":WorkingDirectory", StringComparison.Ordinal) && !key.StartsWith("Amsha:Mcp:Server:", StringComparison.Ordinal))
        {
            settings["Amsha:Mcp:Servers:bad:Command"] = "npx";
        }

        using var provider = Build(settings);

        var failure = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<McpOptions>>().Value);
        Assert.Contains(failure.Failures, f => f.StartsWith(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("mcp.example.com/mcp")]
    [InlineData("ftp://example.com/mcp")]
    public void An_endpoint_that_is_not_an_absolute_http_url_is_reported(string endpoint)
    {
        using var provider = Build(new() { ["Amsha:Mcp:Servers:web:Endpoint"] = endpoint });

        var failure = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<McpOptions>>().Value);

        Assert.Equal($"Amsha:Mcp:Servers:web:Endpoint is '{endpoint}', which is not an absolute http(s) URL.", Assert.Single(failure.Failures));
    }

    [Fact]
    public async Task A_host_with_an_invalid_server_fails_on_start()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Amsha:Mcp:Servers:both:Command"] = "npx", ["Amsha:Mcp:Servers:both:Endpoint"] = "https://example.com/mcp" });
        builder.Services.AddAmsha().AddMcpServers();
        using var host = builder.Build();

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestServer.Timeout().Token));

        Assert.Contains("Amsha:Mcp:Servers:both sets both", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_source_built_in_code_checks_its_options()
    {
        var neither = Assert.Throws<ArgumentException>(() => new McpToolSource("files", new McpToolSourceOptions()));
        var url = Assert.Throws<ArgumentException>(() => new McpToolSource("web", new McpToolSourceOptions { Endpoint = "not a url" }));

        Assert.StartsWith("MCP server 'files' is not configured correctly: MCP server 'files' sets neither Command", neither.Message, StringComparison.Ordinal);
        Assert.Contains("Endpoint is 'not a url', which is not an absolute http(s) URL.", url.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddMcpServers_is_called_once()
    {
        var amsha = new ServiceCollection().AddAmsha().AddMcpServers();

        var failure = Assert.Throws<InvalidOperationException>(() => amsha.AddMcpServers());

        Assert.Equal("MCP servers are already registered in this service collection; call AddMcpServers once.", failure.Message);
    }

    [Fact]
    public async Task A_section_passed_in_is_bound_and_named_in_messages()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Tools:Mcp:Servers:ok:Command"] = "amsha-no-such-mcp-server",
            ["Tools:Mcp:Servers:bad:Endpoint"] = "nowhere",
        }).Build();
        var services = new ServiceCollection();
        services.AddAmsha().AddMcpServers(configuration.GetSection("Tools:Mcp"));
        await using var provider = services.BuildServiceProvider();

        var failure = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<McpOptions>>().Value);

        Assert.Equal("Tools:Mcp:Servers:bad:Endpoint is 'nowhere', which is not an absolute http(s) URL.", Assert.Single(failure.Failures));
    }
}
