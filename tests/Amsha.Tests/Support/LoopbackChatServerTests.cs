using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading.Tasks;
using Amsha.TestKit.Loopback;

namespace Amsha.Tests.Support;

/// <summary>
/// The test model server answers only its own clients. Ports are ephemeral and reused: a call of a test that has
/// ended (still retrying against its closed server) can reach a newer server on the same port, and must not take the
/// reply that server's test scripted for its own call.
/// </summary>
public sealed class LoopbackChatServerTests
{
    private const string Completion = """{"model":"loopback-model","messages":[{"role":"user","content":"hi"}]}""";

    [Fact]
    public async Task A_request_for_another_servers_path_gets_404_and_leaves_the_script_and_count_alone()
    {
        await using var server = LoopbackChatServer.Start();
        server.Enqueue(LoopbackReply.Error(403));
        using var http = new HttpClient();
        var ct = TestContext.Current.CancellationToken;

        // What a client of an earlier server on this port sends: the plain /v1 path of that server.
        using var stray = await http.PostAsync($"http://127.0.0.1:{server.Port}/v1/chat/completions", new StringContent(Completion, Encoding.UTF8, "application/json"), ct);
        Assert.Equal(HttpStatusCode.NotFound, stray.StatusCode);
        Assert.Equal(0, server.RequestCount);

        using var own = await http.PostAsync(server.BaseUrl + "/chat/completions", new StringContent(Completion, Encoding.UTF8, "application/json"), ct);
        Assert.Equal((HttpStatusCode)403, own.StatusCode);
        Assert.Equal("/v1/chat/completions", Assert.Single(server.Requests).Path);
    }
}
