using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Amsha.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Xunit;

namespace Amsha.AspNetCore.Tests.Endpoints;

/// <summary>What an endpoint test app is made of.</summary>
internal sealed record ApiHostOptions
{
    /// <summary>Whether the model answers at once (else each call waits for <see cref="ApiGateChatClient.Release"/>).</summary>
    public bool OpenModel { get; init; } = true;

    public bool CaptureMessageContent { get; init; }

    /// <summary>Whether the endpoints require the test's reader and operator policies (else the default policy).</summary>
    public bool WithPolicies { get; init; } = true;

    public long? MaxRequestBodySize { get; init; }

    /// <summary>The endpoints' clock (keep-alives, status polls); the system clock when null.</summary>
    public TimeProvider? EndpointTime { get; init; }

    public bool WithOpenApi { get; init; }
}

/// <summary>
/// An in-memory app (<see cref="TestServer"/>) with the execution endpoints under <see cref="Prefix"/>, an in-memory
/// store, <see cref="ApiGateChatClient"/> as every task's model and a test authentication scheme: the user is named by
/// the <c>X-Test-User</c> header, with the roles of <c>X-Test-Roles</c> (comma-separated); no header, no user.
/// </summary>
internal sealed class ApiTestHost : IAsyncDisposable
{
    public const string Prefix = "/amsha/api";
    public const string ReaderPolicy = "api-readers";
    public const string OperatorPolicy = "api-operators";

    private ApiTestHost(WebApplication app, ApiGateChatClient model, InMemoryExecutionStore store)
    {
        App = app;
        Model = model;
        Store = store;
        Operator = CreateClient("olivia", "reader", "operator");
    }

    public WebApplication App { get; }

    public ApiGateChatClient Model { get; }

    public InMemoryExecutionStore Store { get; }

    /// <summary>A client of a user with the reader and operator roles.</summary>
    public HttpClient Operator { get; }

    public ExecutionSession Session => App.Services.GetRequiredService<ExecutionSession>();

    public static async Task<ApiTestHost> StartAsync(ApiHostOptions? options = null)
    {
        options ??= new ApiHostOptions();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseTestServer();

        var model = new ApiGateChatClient(options.OpenModel);
        var store = new InMemoryExecutionStore();
        builder.Services.AddAmsha(o => o.CaptureMessageContent = options.CaptureMessageContent).UseDefaultChatClient(model).UseStore(store);
        builder.Services.AddAmshaEndpoints();
        builder.Services.AddAuthentication(ApiTestAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiTestAuthenticationHandler>(ApiTestAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorization(o =>
        {
            o.AddPolicy(ReaderPolicy, policy => policy.RequireRole("reader"));
            o.AddPolicy(OperatorPolicy, policy => policy.RequireRole("operator"));
        });
        if (options.WithOpenApi)
        {
            builder.Services.AddOpenApi();
        }

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapAmshaExecutions(Prefix, o =>
        {
            if (options.WithPolicies)
            {
                o.Policy = ReaderPolicy;
                o.OperatorPolicy = OperatorPolicy;
            }

            if (options.MaxRequestBodySize is { } max)
            {
                o.MaxRequestBodySize = max;
            }

            o.TimeProvider = options.EndpointTime;
        });
        if (options.WithOpenApi)
        {
            app.MapOpenApi();
        }

        await app.StartAsync();
        return new ApiTestHost(app, model, store);
    }

    /// <summary>A client of user <paramref name="user"/> with <paramref name="roles"/>; no user when null.</summary>
    public HttpClient CreateClient(string? user, params string[] roles)
    {
        var client = App.GetTestClient();
        if (user is not null)
        {
            client.DefaultRequestHeaders.Add(ApiTestAuthenticationHandler.UserHeader, user);
            client.DefaultRequestHeaders.Add(ApiTestAuthenticationHandler.RolesHeader, string.Join(',', roles));
        }

        return client;
    }

    /// <summary>Starts an execution of <paramref name="crew"/> through the API and returns its id.</summary>
    public async Task<string> StartAsync(string crew = "ApiBriefCrew", string body = """{"topic":"tides"}""")
    {
        using var response = await Operator.PostAsync($"{Prefix}/crews/{crew}/executions", Json(body), Token);
        var text = await response.Content.ReadAsStringAsync(Token);
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted, $"{(int)response.StatusCode}: {text}");
        using var json = JsonDocument.Parse(text);
        return json.RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>Waits until execution <paramref name="id"/> stops running in this process (it may have already).</summary>
    public async Task<ExecutionStatus> WaitForEndAsync(string id)
    {
        if (Session.FindRunning(id) is { } handle)
        {
            await handle.WaitAsync(Token);
        }

        // The handle ends as its terminal event is appended; the record was written before.
        return (await Session.GetExecutionAsync(id, Token)).Status;
    }

    public async Task<JsonDocument> GetJsonAsync(string path, HttpClient? client = null)
    {
        using var response = await (client ?? Operator).GetAsync(Prefix + path, Token);
        var text = await response.Content.ReadAsStringAsync(Token);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text);
    }

    public static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    /// <summary>The test's cancellation, with a generous bound so that a broken test fails instead of hanging.</summary>
    public CancellationToken Token => _guard.Token;

    private readonly CancellationTokenSource _guard = NewGuard();

    private static CancellationTokenSource NewGuard()
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        source.CancelAfter(TimeSpan.FromSeconds(60));
        return source;
    }

    public async ValueTask DisposeAsync()
    {
        Model.Open();
        Operator.Dispose();
        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
        _guard.Dispose();
    }
}

/// <summary>Authenticates the user named by <c>X-Test-User</c> with the roles of <c>X-Test-Roles</c>.</summary>
internal sealed class ApiTestAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiTest";
    public const string UserHeader = "X-Test-User";
    public const string RolesHeader = "X-Test-Roles";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var user = Request.Headers[UserHeader].ToString();
        if (user.Length == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var claims = new List<Claim> { new(ClaimTypes.Name, user) };
        foreach (var role in Request.Headers[RolesHeader].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            claims.Add(new Claim(ClaimTypes.Role, role));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }
}
