using System;
using System.Linq;
using System.Net.Http;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Threading.Tasks;
using Amsha.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Amsha.AspNetCore.Tests.Dashboard;

/// <summary>
/// An app with the executions API and the dashboard, a test authentication scheme (the user named by the
/// <c>X-Test-User</c> header or the <c>amsha-test-user</c> cookie: <c>operator</c>, <c>viewer</c> or anyone without
/// a role), an in-memory store and <see cref="StepGateChatClient"/> as every task's model. In memory
/// (<see cref="Microsoft.AspNetCore.TestHost.TestServer"/>) or on a real Kestrel port for the browser test.
/// </summary>
internal sealed class DashboardTestHost : IAsyncDisposable
{
    public const string ViewerPolicy = "amsha-viewers";
    public const string OperatorPolicy = "amsha-operators";

    /// <summary>A policy that looks at the request (the <c>HttpContext</c> resource): it has an <c>X-Operator-Key</c> header.</summary>
    public const string RequestOperatorPolicy = "amsha-request-operators";
    public const string ApiPrefix = "/amsha/api";
    public const string DashboardPrefix = "/amsha";

    private DashboardTestHost(WebApplication app, StepGateChatClient model, string? address)
    {
        App = app;
        Model = model;
        Address = address;
    }

    public WebApplication App { get; }

    public StepGateChatClient Model { get; }

    /// <summary>The Kestrel address (<c>http://127.0.0.1:port</c>); null in memory.</summary>
    public string? Address { get; }

    public ExecutionSession Session => App.Services.GetRequiredService<ExecutionSession>();

    public static async Task<DashboardTestHost> StartAsync(bool kestrel = false, Action<AmshaDashboardOptions>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (kestrel)
        {
            builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        }
        else
        {
            builder.WebHost.UseTestServer();
        }

        var model = new StepGateChatClient();
        builder.Services.AddAmsha().UseDefaultChatClient(model).UseStore(new InMemoryExecutionStore()).AddAmshaCrews();
        builder.Services.AddAmshaDashboard();
        builder.Services.AddAuthentication(TestAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, TestAuthenticationHandler>(TestAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorization(options =>
        {
            options.AddPolicy(ViewerPolicy, policy => policy.RequireRole("viewer", "operator"));
            options.AddPolicy(OperatorPolicy, policy => policy.RequireRole("operator"));
            options.AddPolicy(RequestOperatorPolicy, policy => policy.RequireAssertion(context =>
                context.Resource is Microsoft.AspNetCore.Http.HttpContext http && http.Request.Headers.ContainsKey("X-Operator-Key")));
        });

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapAmshaExecutions(ApiPrefix, options =>
        {
            options.Policy = ViewerPolicy;
            options.OperatorPolicy = OperatorPolicy;
        });
        app.MapAmshaDashboard(DashboardPrefix, options =>
        {
            options.ApiPrefix = ApiPrefix;
            options.Policy = ViewerPolicy;
            options.OperatorPolicy = OperatorPolicy;
            configure?.Invoke(options);
        });

        await app.StartAsync();
        return new DashboardTestHost(app, model, kestrel ? app.Urls.Single() : null);
    }

    /// <summary>A client of the in-memory server, signed in as <paramref name="user"/> (null: anonymous).</summary>
    public HttpClient CreateClient(string? user)
    {
        var client = Address is null ? App.GetTestClient() : new HttpClient { BaseAddress = new Uri(Address) };
        if (user is not null)
        {
            client.DefaultRequestHeaders.Add(TestAuthenticationHandler.Header, user);
        }

        return client;
    }

    /// <summary>Starts a background execution of the test crew directly through the session.</summary>
    public async Task<ExecutionHandle> StartExecutionAsync(string topic = "tides") =>
        await App.Services.GetRequiredService<DashboardGateCrew>().StartBackgroundAsync(new DashboardTopic(topic));

    public async ValueTask DisposeAsync()
    {
        // Let anything still waiting on the model end, then stop the app.
        Model.Release(100);
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

/// <summary>Signs in the user a test names in a header or cookie; roles: <c>operator</c> and <c>viewer</c> by name.</summary>
internal sealed class TestAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Test";
    public const string Header = "X-Test-User";
    public const string Cookie = "amsha-test-user";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var user = Request.Headers[Header].FirstOrDefault() ?? Request.Cookies[Cookie];
        if (string.IsNullOrEmpty(user))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var claims = new[] { new Claim(ClaimTypes.Name, user), new Claim(ClaimTypes.NameIdentifier, user) }
            .Concat(user is "operator" or "viewer" ? [new Claim(ClaimTypes.Role, user)] : Array.Empty<Claim>());
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }
}

/// <summary>What <c>GET /amsha/session</c> hands the page: the antiforgery cookie and the header that goes with it.</summary>
internal sealed record AntiforgeryTokens(string Cookie, string HeaderName, string Token)
{
    public static async Task<AntiforgeryTokens> GetAsync(HttpClient client)
    {
        using var response = await client.GetAsync(DashboardTestHost.DashboardPrefix + "/session");
        response.EnsureSuccessStatusCode();
        var cookie = string.Join("; ", response.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var antiforgery = json.RootElement.GetProperty("antiforgery");
        return new AntiforgeryTokens(cookie, antiforgery.GetProperty("headerName").GetString()!, antiforgery.GetProperty("token").GetString()!);
    }

    /// <summary>A POST carrying the cookie, and the header unless <paramref name="withHeader"/> is false.</summary>
    public HttpRequestMessage Post(string path, bool withHeader = true, string? token = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path);
        request.Headers.Add("Cookie", Cookie);
        if (withHeader)
        {
            request.Headers.Add(HeaderName, token ?? Token);
        }

        return request;
    }
}
