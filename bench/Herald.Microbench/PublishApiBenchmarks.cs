using BenchmarkDotNet.Attributes;
using Herald.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Herald.Microbench;

/// <summary>The seed's <c>GET /send</c> handler from parsed request to written answer, without the network.</summary>
[MemoryDiagnoser]
public class PublishApiBenchmarks
{
    private Hub _hub = null!;
    private SendEndpoint _endpoint = null!;
    private IServiceProvider _services = null!;

    [GlobalSetup]
    public void Setup()
    {
        _hub = new Hub();
        _hub.Connect("123");
        _endpoint = new SendEndpoint(_hub.Publisher, _hub.Options, NullLoggerFactory.Instance);
        _services = new ServiceCollection().AddLogging().AddOptions().BuildServiceProvider();
    }

    [Benchmark]
    public async Task SendViaQueryString()
    {
        var context = new DefaultHttpContext { RequestServices = _services };
        context.Request.Method = HttpMethods.Get;
        context.Request.QueryString = new QueryString("?uid=123&message=Hello%20World");
        context.Response.Body = Stream.Null;
        await _endpoint.HandleAsync(context);
        _hub.WaitUntilDrained();
    }
}
