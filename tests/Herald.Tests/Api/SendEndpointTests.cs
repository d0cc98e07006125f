using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Herald.Tests.Infrastructure;

namespace Herald.Tests.Api;

public sealed class SendEndpointTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Post_QueryString_Delivers()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var client = await server.ConnectAsUserAsync("q");

        using var response = await server.Http.PostAsync("/send?uid=q&message=from%20query", content: null, Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, await SendResponses.ReadDeliveredAsync(response));
        Assert.Equal("from query", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task Get_RepeatedParametersAndPlusSigns_FirstValueWinsAndPlusIsSpace()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var first = await server.ConnectAsUserAsync("first user");
        await using var second = await server.ConnectAsUserAsync("second");

        using var response = await server.Http.GetAsync("/send?uid=first+user&uid=second&message=hello+there%21&message=ignored", Cancellation);

        Assert.Equal(1, await SendResponses.ReadDeliveredAsync(response));
        Assert.Equal("hello there!", await first.ReceiveTextAsync());
        await second.AssertNothingReceivedAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task Post_FormBody_Delivers()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var client = await server.ConnectAsUserAsync("f");

        using var response = await server.Http.PostAsync(
            "/send", new FormUrlEncodedContent([new("uid", "f"), new("message", "from a form & more")]), Cancellation);

        Assert.Equal(1, await SendResponses.ReadDeliveredAsync(response));
        Assert.Equal("from a form & more", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task Post_MultipartFormBody_Delivers()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var client = await server.ConnectAsUserAsync("m");
        using var form = new MultipartFormDataContent { { new StringContent("m"), "uid" }, { new StringContent("from multipart"), "message" } };

        using var response = await server.Http.PostAsync("/send", form, Cancellation);

        Assert.Equal(1, await SendResponses.ReadDeliveredAsync(response));
        Assert.Equal("from multipart", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task Post_JsonBody_DeliversAndBodyWinsOverQuery()
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var client = await server.ConnectAsUserAsync("j");

        using var response = await server.Http.PostAsJsonAsync("/send?uid=j&message=from%20query", new { uid = "j", message = "from json" }, Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal(1, await SendResponses.ReadDeliveredAsync(response));
        Assert.Equal("from json", await client.ReceiveTextAsync());
    }

    [Theory]
    [InlineData("/send?message=hi", "uid", "uid is required and must not be empty")]
    [InlineData("/send?uid=&message=hi", "uid", "uid is required and must not be empty")]
    [InlineData("/send?uid=123", "message", "message is required and must not be empty")]
    [InlineData("/send?uid=123&message=", "message", "message is required and must not be empty")]
    [InlineData("/send?uid=123456789&message=hi", "uid", "uid must be at most 8 characters (was 9)")]
    public async Task Get_InvalidParameter_Returns400ProblemNamingIt(string url, string parameter, string detail)
    {
        await using var server = await HeraldTestServer.StartAsync(o => o.MaxUserIdLength = 8);

        using var response = await server.Http.GetAsync(url, Cancellation);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, detail);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation));
        Assert.Equal($"Invalid parameter '{parameter}'", problem.RootElement.GetProperty("title").GetString());
        Assert.Equal(detail, problem.RootElement.GetProperty("errors").GetProperty(parameter)[0].GetString());
        Assert.Equal(0, server.Hub.GetStats().MessagesPublished);
    }

    [Fact]
    public async Task Post_MessageOverMaxMessageBytes_Returns400CountingUtf8Bytes()
    {
        await using var server = await HeraldTestServer.StartAsync(o => o.MaxMessageBytes = 10);

        // Four characters, twelve UTF-8 bytes.
        using var response = await server.Http.PostAsJsonAsync("/send", new { uid = "u", message = "订单发货" }, Cancellation);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "message must be at most 10 bytes of UTF-8 (was 12)");
    }

    [Fact]
    public async Task Post_InvalidJson_Returns400()
    {
        await using var server = await HeraldTestServer.StartAsync();

        using var response = await server.Http.PostAsync("/send", new StringContent("{\"uid\":", Encoding.UTF8, "application/json"), Cancellation);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "The request body is not valid JSON");
    }

    [Theory]
    [InlineData("""{"uid":"\ud800","message":"m"}""", "$.uid")]
    [InlineData("""{"uid":"u","message":"\udc00"}""", "$.message")]
    public async Task Post_JsonStringWithLoneSurrogateEscape_Returns400InvalidJsonBodyNamingTheField(string body, string path)
    {
        await using var server = await HeraldTestServer.StartAsync();
        await using var client = await server.ConnectAsUserAsync("u");

        using var response = await server.Http.PostAsync("/send", new StringContent(body, Encoding.UTF8, "application/json"), Cancellation);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, path);
        Assert.Contains("Invalid JSON body", await response.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
        Assert.Equal(0, server.Hub.GetStats().MessagesPublished);
    }

    [Fact]
    public async Task Post_JsonMessageNotAString_Returns400()
    {
        await using var server = await HeraldTestServer.StartAsync();

        using var response = await server.Http.PostAsync("/send", new StringContent("""{"uid":"u","message":{"a":1}}""", Encoding.UTF8, "application/json"), Cancellation);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "$.message");
    }

    [Fact]
    public async Task Post_MultipartWithoutItsBoundary_Returns400()
    {
        await using var server = await HeraldTestServer.StartAsync();
        using var content = new StringContent("garbage");
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("multipart/form-data; boundary=x");

        using var response = await server.Http.PostAsync("/send", content, Cancellation);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "The form body could not be read");
    }

    [Fact]
    public async Task Post_UnsupportedContentType_Returns415()
    {
        await using var server = await HeraldTestServer.StartAsync();

        using var response = await server.Http.PostAsync("/send?uid=u&message=m", new StringContent("<xml/>", Encoding.UTF8, "application/xml"), Cancellation);

        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "'application/xml; charset=utf-8' is not accepted");
    }

    [Fact]
    public async Task Post_BodyOverLimit_Returns413()
    {
        await using var server = await HeraldTestServer.StartAsync(o => o.MaxMessageBytes = 1024);
        var body = "{\"uid\":\"u\",\"message\":\"" + new string('x', 200 * 1024) + "\"}";

        using var response = await server.Http.PostAsync("/send", new StringContent(body, Encoding.UTF8, "application/json"), Cancellation);

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "Request body too large");
    }

    [Fact]
    public async Task Put_Send_Returns405()
    {
        await using var server = await HeraldTestServer.StartAsync();

        using var response = await server.Http.PutAsync("/send?uid=u&message=m", content: null, Cancellation);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string detailFragment)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation));
        Assert.Equal((int)status, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Contains(detailFragment, problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
