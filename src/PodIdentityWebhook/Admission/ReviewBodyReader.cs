using System.Buffers;
using System.Security.Authentication;
using Microsoft.AspNetCore.Connections;

namespace PodIdentityWebhook.Admission;

/// <summary>
/// Reads a review body into one buffer, paid for by the review's lease before each byte is
/// kept, and consumed from Kestrel as it arrives (so Kestrel's own buffers stay small).
/// A peer that stalls is cut off: no byte for <see cref="AdmissionConstants.ReviewBodyStallTimeout"/>,
/// or the body not complete within <see cref="AdmissionConstants.ReviewBodyDeadline"/>, whatever its
/// average rate. Framing errors, overflowing chunk sizes and resets never escape as exceptions.
/// Both steps return ValueTasks: an ordinary review's body has arrived with its headers, so
/// they finish at once and allocate no task.
/// </summary>
internal static class ReviewBodyReader
{
    private const int InitialBytes = 16 * 1024;

    public static async ValueTask<ReviewBody> ReadAsync(
        HttpRequest request, ReviewMemoryBudget.Lease lease, long maxBytes, TimeProvider time, CancellationToken aborted)
    {
        if (request.ContentLength > maxBytes)
        {
            return ReviewBody.Failed(ReviewBodyStatus.TooLarge);
        }

        // Memory is taken as bytes arrive, never on the word of Content-Length: a peer that
        // declares megabytes and sends nothing holds nothing.
        var limit = Math.Min(request.ContentLength ?? maxBytes, maxBytes);
        var initial = (int)Math.Clamp(limit, 1, InitialBytes);
        if (limit > AdmissionConstants.ScannedReviewBytes)
        {
            lease.MarkLarge();
        }

        if (!await lease.TryGrowAsync(initial, AdmissionConstants.ReviewMemoryWait, aborted))
        {
            return ReviewBody.Failed(ReviewBodyStatus.NoMemory);
        }

        var body = new PooledBufferWriter(initial, lease: null, limit: limit);
        try
        {
            var (status, error) = await CopyAsync(request.BodyReader, body, lease, maxBytes, time, aborted);
            if (status == ReviewBodyStatus.Read)
            {
                return new ReviewBody(status, body, null);
            }

            body.Dispose();
            return new ReviewBody(status, null, error);
        }
        catch
        {
            body.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Kestrel's verdicts on a body's framing that are not a <see cref="BadHttpRequestException"/>:
    /// a chunk size that overflows comes as an <see cref="IOException"/> around the parse error.
    /// After these, as after a bad request, Kestrel's reader is ready for the rest to be drained.
    /// </summary>
    private static bool IsFramingError(Exception ex) =>
        ex is OverflowException or FormatException or InvalidDataException
        || ex is IOException { InnerException: OverflowException or FormatException };

    private static async ValueTask<(ReviewBodyStatus Status, string? Error)> CopyAsync(
        System.IO.Pipelines.PipeReader reader, PooledBufferWriter body, ReviewMemoryBudget.Lease lease, long maxBytes,
        TimeProvider time, CancellationToken aborted)
    {
        // The timer is made only when a read has to wait: an ordinary review has usually
        // arrived whole with its headers, and a timer per review costs throughput.
        CancellationTokenSource? stall = null;
        var deadline = time.GetTimestamp() + (long)(AdmissionConstants.ReviewBodyDeadline.TotalSeconds * time.TimestampFrequency);
        try
        {
            while (true)
            {
                if (!reader.TryRead(out var result))
                {
                    var left = time.GetElapsedTime(time.GetTimestamp(), deadline);
                    if (left <= TimeSpan.Zero)
                    {
                        return (ReviewBodyStatus.Stalled, null);
                    }

                    stall ??= CancellationTokenSource.CreateLinkedTokenSource(aborted);
                    stall.CancelAfter(left < AdmissionConstants.ReviewBodyStallTimeout ? left : AdmissionConstants.ReviewBodyStallTimeout);
                    result = await reader.ReadAsync(stall.Token);
                }

                var buffer = result.Buffer;
                if (body.WrittenCount + buffer.Length > maxBytes)
                {
                    reader.AdvanceTo(buffer.End);
                    return (ReviewBodyStatus.TooLarge, null);
                }

                var needed = body.WrittenCount + buffer.Length;
                if (needed > AdmissionConstants.ScannedReviewBytes)
                {
                    lease.MarkLarge();
                }

                if (needed > body.Capacity)
                {
                    if (!await lease.TryGrowAsync(body.GrownCapacity(needed), AdmissionConstants.ReviewMemoryWait, aborted))
                    {
                        reader.AdvanceTo(buffer.End);
                        return (ReviewBodyStatus.NoMemory, null);
                    }
                }

                foreach (var segment in buffer)
                {
                    if (!segment.IsEmpty)
                    {
                        body.Write(segment.Span);
                    }
                }

                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted)
                {
                    return (ReviewBodyStatus.Read, null);
                }
            }
        }
        catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
        {
            return (ReviewBodyStatus.Stalled, null);
        }
        catch (OperationCanceledException)
        {
            return (ReviewBodyStatus.Aborted, null);
        }
        catch (BadHttpRequestException ex)
        {
            return ex.StatusCode switch
            {
                StatusCodes.Status413PayloadTooLarge => (ReviewBodyStatus.TooLarge, null),

                // Kestrel's own minimum data rate fired; it has already closed the connection.
                StatusCodes.Status408RequestTimeout => (ReviewBodyStatus.Stalled, null),
                _ => (ReviewBodyStatus.Malformed, ex.Message),
            };
        }
        catch (Exception ex) when (aborted.IsCancellationRequested || ex is ConnectionResetException)
        {
            return (ReviewBodyStatus.Aborted, null);
        }
        catch (Exception ex) when (IsFramingError(ex))
        {
            return (ReviewBodyStatus.Malformed, ex.Message);
        }
        catch (Exception ex) when (ex is IOException or AuthenticationException or InvalidOperationException)
        {
            // TLS or the socket failed under HTTP (a record that does not decrypt, a stream cut
            // mid-record). No answer can reach the client, and Kestrel's Content-Length reader
            // stays "reading" after such a failure: answering would make Kestrel drain a reader
            // it cannot read and log an error, so the connection is dropped instead.
            return (ReviewBodyStatus.Broken, ex.Message);
        }
        finally
        {
            stall?.Dispose();
        }
    }
}
