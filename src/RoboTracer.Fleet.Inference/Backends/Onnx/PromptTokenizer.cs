using Microsoft.ML.Tokenizers;

namespace RoboTracer.Fleet.Inference.Backends.Onnx;

/// <summary>
/// The prompt's token ids, from the vocabulary the model ships beside it, read with Microsoft.ML.Tokenizers:
/// a WordPiece <c>.txt</c> vocabulary (one token per line, as BERT ships it; lower-cased, [CLS] … [SEP] added) or
/// a SentencePiece <c>.model</c> (beginning-of-sentence added).
/// </summary>
internal sealed class PromptTokenizer
{
    private readonly Func<string, IReadOnlyList<int>> _encode;

    private PromptTokenizer(Func<string, IReadOnlyList<int>> encode) => _encode = encode;

    /// <summary>Loads <paramref name="path"/>; <see cref="OnnxModelException"/> when it is not a vocabulary this reads.</summary>
    public static PromptTokenizer Load(string path)
    {
        try
        {
            var extension = Path.GetExtension(path).ToLowerInvariant();
            if (extension == ".txt")
            {
                // Tokenizer.EncodeToIds leaves BERT's [CLS] and [SEP] out; the models were trained with them.
                var bert = BertTokenizer.Create(path);
                return new(text => bert.EncodeToIds(text, addSpecialTokens: true));
            }
            if (extension == ".model")
            {
                using var stream = File.OpenRead(path);
                var sentencePiece = SentencePieceTokenizer.Create(stream, addBeginningOfSentence: true, addEndOfSentence: false);
                return new(text => sentencePiece.EncodeToIds(text));
            }
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or FormatException or InvalidOperationException)
        {
            throw new OnnxModelException($"The prompt vocabulary {path} could not be read: {ex.Message}", ex);
        }
        throw new OnnxModelException($"The prompt vocabulary {path} is neither a WordPiece vocabulary (.txt) nor a SentencePiece model (.model).");
    }

    /// <summary>The ids of <paramref name="text"/>, special tokens included.</summary>
    public IReadOnlyList<int> Encode(string text) => _encode(text);
}
