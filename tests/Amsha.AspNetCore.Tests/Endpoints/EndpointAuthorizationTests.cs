using System;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Amsha.AspNetCore.Tests.Endpoints;

/// <summary>Nothing is anonymous: every endpoint answers 401 without a user and 403 without the policy's role.</summary>
public sealed class EndpointAuthorizationTests
{
    public static TheoryData<string, string, bool> Endpoints => new()
    {
        { "GET", "/crews", false },
        { "POST", "/crews/ApiBriefCrew/executions", true },
        { "GET", "/executions", false },
        { "GET", "/executions/{id}", false },
        { "POST", "/executions/{id}/cancel", true },
        { "POST", "/executions/{id}/resume", true },
        { "GET", "/executions/{id}/events", false },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Every_endpoint_answers_401_to_an_anonymous_request(string method, string path, bool operatorOnly)
    {
        _ = operatorOnly;
        await using var host = await ApiTestHost.StartAsync();
        var id = await host.StartAsync();
        using var anonymous = host.CreateClient(null);
        using var response = await SendAsync(anonymous, method, path, id, host);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Every_endpoint_answers_403_to_a_user_without_the_policy(string method, string path, bool operatorOnly)
    {
        _ = operatorOnly;
        await using var host = await ApiTestHost.StartAsync();
        var id = await host.StartAsync();
        using var nobody = host.CreateClient("nora");
        using var response = await SendAsync(nobody, method, path, id, host);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Operator_endpoints_answer_403_to_a_reader_and_the_others_serve_them(string method, string path, bool operatorOnly)
    {
        await using var host = await ApiTestHost.StartAsync();
        var id = await host.StartAsync();
        await host.WaitForEndAsync(id);
        using var reader = host.CreateClient("rita", "reader");
        using var response = await SendAsync(reader, method, path, id, host);
        if (operatorOnly)
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
        else
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Without_policies_every_endpoint_requires_an_authenticated_user(string method, string path, bool operatorOnly)
    {
        _ = operatorOnly;
        await using var host = await ApiTestHost.StartAsync(new ApiHostOptions { WithPolicies = false });
        var id = await host.StartAsync();
        await host.WaitForEndAsync(id);

        using var anonymous = host.CreateClient(null);
        using (var response = await SendAsync(anonymous, method, path, id, host))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        // Any authenticated user passes the default policy: the request reaches the endpoint.
        using var anyone = host.CreateClient("ann");
        using (var response = await SendAsync(anyone, method, path, id, host))
        {
            Assert.NotEqual(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.NotEqual(HttpStatusCode.Forbidden, response.StatusCode);
        }
    }

    [Fact]
    public async Task Mapping_without_AddAmshaEndpoints_throws_a_clear_exception()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddAmsha();
        await using var app = builder.Build();
        var error = Assert.Throws<InvalidOperationException>(() => app.MapAmshaExecutions());
        Assert.Contains("AddAmshaEndpoints", error.Message, StringComparison.Ordinal);
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path, string id, ApiTestHost host)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), ApiTestHost.Prefix + path.Replace("{id}", id, StringComparison.Ordinal));
        if (method == "POST" && path.StartsWith("/crews", StringComparison.Ordinal))
        {
            request.Content = ApiTestHost.Json("""{"topic":"auth"}""");
        }

        return client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, host.Token);
    }
}
