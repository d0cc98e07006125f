using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Herald.Tests.Infrastructure;

/// <summary>
/// Raw exchanges with a server for the direct /send: requests written as given on one connection, and everything
/// the server wrote back until it closed the connection, compared without the <c>Date</c> line.
/// </summary>
public static partial class DirectSendExchange
{
    public static async Task<TcpClient> ConnectAsync(Uri baseAddress)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(baseAddress.Host, baseAddress.Port, TestContext.Current.CancellationToken);
        return tcp;
    }

    /// <summary>Writes <paramref name="requests"/> (the last of which should close the connection) and reads until the server closes it.</summary>
    /// <returns>All the server wrote, as Latin-1.</returns>
    public static async Task<string> UntilClosedAsync(Uri baseAddress, string requests)
    {
        using var tcp = await ConnectAsync(baseAddress);
        var stream = tcp.GetStream();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(RawHttp.DefaultTimeout);
        try
        {
            await stream.WriteAsync(Encoding.Latin1.GetBytes(requests), deadline.Token);
        }
        catch (IOException)
        {
            // The server may answer and close before it has read everything (a head it refuses); read what it said.
        }

        var answers = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, deadline.Token)) > 0)
            {
                answers.Write(buffer, 0, read);
            }
        }
        catch (IOException)
        {
            // A reset after the answers: what arrived is the answer.
        }

        return Encoding.Latin1.GetString(answers.ToArray());
    }

    /// <summary><paramref name="answers"/> with every <c>Date</c> header's value taken out: the one part that depends on when.</summary>
    public static string WithoutDate(string answers) => DateLine().Replace(answers, "Date: -\r\n");

    /// <summary>The 200 that ASP.NET Core writes for a send to <paramref name="delivered"/> connections, without its date.</summary>
    public static string Delivered(int delivered, bool close)
    {
        var body = $"{{\"delivered\":{delivered}}}";
        return $"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\n{(close ? "Connection: close\r\n" : "")}" +
            $"Content-Type: application/json; charset=utf-8\r\nDate: -\r\nServer: Kestrel\r\n\r\n{body}";
    }

    public static int CountAnswers(string answers, string marker) => Regex.Count(answers, Regex.Escape(marker));

    [GeneratedRegex("Date: [^\r]*\r\n")]
    private static partial Regex DateLine();
}
