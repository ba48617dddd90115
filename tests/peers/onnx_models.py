#!/usr/bin/python3
"""Writes the small ONNX models that the onnx backend's tests and `bench onnx` run, with Debian's python3-onnx.

    /usr/bin/python3 onnx_models.py OUTDIR [NAME ...]      (every model when no NAME is given)

Each model is OUTDIR/NAME.onnx (opset 17, IR 8); `probe` also gets its WordPiece vocabulary, OUTDIR/vocab.txt. The
last stdout line is a JSON list of the files written. The contract these follow, or break on purpose, is in
src/RoboTracer.Fleet.Inference/Backends/Onnx/README.md; the tests compute their reference outputs from what each
graph below does.
"""
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
FLOAT = TensorProto.FLOAT
INT64 = TensorProto.INT64

# The probe model's vocabulary: [PAD] is 0, so padding adds nothing to the sum of a prompt's ids.
VOCABULARY = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "put", "the", "cup", "in", "sink", "on", "plate", "##s", "[MASK]"]


def tensor(name, element, shape):
    return helper.make_tensor_value_info(name, element, shape)


def const(name, values, dtype=np.int64):
    return helper.make_node("Constant", [], [name], value=numpy_helper.from_array(np.array(values, dtype=dtype), name + "_value"))


def model(name, nodes, inputs, outputs, metadata=None, initializers=()):
    graph = helper.make_graph(nodes, name, inputs, outputs, initializer=list(initializers))
    proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="robotracer-fleet-tests")
    proto.ir_version = 8
    if metadata:
        helper.set_model_props(proto, metadata)
    onnx.checker.check_model(proto, full_check=True)
    return proto


def probe(batch="batch"):
    """Every input echoed into the points, so a test can check layout, scaling and padding exactly.

    image [B,3,2,3], depth [B,1,2,3], intrinsics [B,3,3], prompt_ids and prompt_mask [B,T] -> points [B,16,3]:
    rows 0-5 are the normalised (R, G, B) of pixels in row-major order, rows 6-11 the depth of those pixels three
    times, rows 12-14 the intrinsics matrix, row 15 (sum of ids, sum of mask, 1).
    """
    nodes = [
        const("pix_shape", [0, 3, 6]), helper.make_node("Reshape", ["image", "pix_shape"], ["pix_chw"]),
        helper.make_node("Transpose", ["pix_chw"], ["pix"], perm=[0, 2, 1]),
        const("dep_shape", [0, 6, 1]), helper.make_node("Reshape", ["depth", "dep_shape"], ["dep1"]),
        helper.make_node("Concat", ["dep1", "dep1", "dep1"], ["dep"], axis=2),
        const("axis1", [1]),
        helper.make_node("ReduceSum", ["prompt_ids", "axis1"], ["ids_sum_i"], keepdims=1),
        helper.make_node("Cast", ["ids_sum_i"], ["ids_sum"], to=FLOAT),
        helper.make_node("ReduceSum", ["prompt_mask", "axis1"], ["mask_sum_i"], keepdims=1),
        helper.make_node("Cast", ["mask_sum_i"], ["mask_sum"], to=FLOAT),
        const("zero", [0.0], np.float32), const("one", [1.0], np.float32),
        helper.make_node("Mul", ["mask_sum", "zero"], ["zeros"]), helper.make_node("Add", ["zeros", "one"], ["ones"]),
        helper.make_node("Concat", ["ids_sum", "mask_sum", "ones"], ["prm2"], axis=1),
        helper.make_node("Unsqueeze", ["prm2", "axis1"], ["prm"]),
        helper.make_node("Concat", ["pix", "dep", "intrinsics", "prm"], ["points"], axis=1),
    ]
    inputs = [
        tensor("image", FLOAT, [batch, 3, 2, 3]), tensor("depth", FLOAT, [batch, 1, 2, 3]),
        tensor("intrinsics", FLOAT, [batch, 3, 3]),
        tensor("prompt_ids", INT64, [batch, "tokens"]), tensor("prompt_mask", INT64, [batch, "tokens"]),
    ]
    metadata = {"robotracer.tokenizer": "vocab.txt", "robotracer.image.mean": "0.5,0.25,0", "robotracer.image.std": "0.5,0.25,2"}
    return model("probe", nodes, inputs, [tensor("points", FLOAT, [batch, 16, 3])], metadata)


def means2d():
    """Any image size: points [B,2,2] = ((mean R, mean G), (mean B, 0.5)), normalised pixel coordinates."""
    nodes = [
        helper.make_node("ReduceMean", ["rgb"], ["m"], axes=[2, 3], keepdims=0),
        const("first_start", [0]), const("first_end", [1]), const("axis1", [1]),
        helper.make_node("Slice", ["m", "first_start", "first_end", "axis1"], ["m0"]),
        const("zero", [0.0], np.float32), const("half", [0.5], np.float32),
        helper.make_node("Mul", ["m0", "zero"], ["zeros"]), helper.make_node("Add", ["zeros", "half"], ["halves"]),
        helper.make_node("Concat", ["m", "halves"], ["flat"], axis=1),
        const("out_shape", [0, 2, 2]), helper.make_node("Reshape", ["flat", "out_shape"], ["trace"]),
    ]
    # Names declared in the metadata, not the conventional ones.
    metadata = {"robotracer.input.image": "rgb", "robotracer.output.points": "trace"}
    return model("means2d", nodes, [tensor("rgb", FLOAT, ["batch", 3, "height", "width"])], [tensor("trace", FLOAT, ["batch", 2, 2])], metadata)


def conv(size=224, points=10):
    """The benchmark's model: three stride-2 3x3 convolutions (32, 64, 128 channels), global pooling and a linear head
    to `points` normalised 2D points; about 0.13 GMAC per 224x224 image. Weights are seeded random numbers."""
    rng = np.random.default_rng(17)
    weights = []

    def weight(name, shape, fan_in):
        weights.append(numpy_helper.from_array((rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(np.float32), name))
        return name

    nodes = []
    previous, channels = "image", 3
    for i, width in enumerate([32, 64, 128]):
        w = weight(f"w{i}", [width, channels, 3, 3], channels * 9)
        b = weight(f"b{i}", [width], width)
        nodes.append(helper.make_node("Conv", [previous, w, b], [f"c{i}"], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]))
        nodes.append(helper.make_node("Relu", [f"c{i}"], [f"r{i}"]))
        previous, channels = f"r{i}", width
    head = weight("head", [channels, points * 2], channels)
    nodes += [
        helper.make_node("GlobalAveragePool", [previous], ["pooled"]),
        helper.make_node("Flatten", ["pooled"], ["features"], axis=1),
        helper.make_node("MatMul", ["features", head], ["logits"]),
        helper.make_node("Sigmoid", ["logits"], ["unit"]),
        const("out_shape", [0, points, 2]), helper.make_node("Reshape", ["unit", "out_shape"], ["points"]),
    ]
    return model("conv", nodes, [tensor("image", FLOAT, ["batch", 3, size, size])], [tensor("points", FLOAT, ["batch", points, 2])], initializers=weights)


def passthrough(name, image_shape, out_shape, element=FLOAT, metadata=None, extra_inputs=()):
    """image reshaped into `out_shape` (after a cast to float when the image is not): for models that break one rule."""
    nodes = []
    source = "image"
    if element != FLOAT:
        nodes.append(helper.make_node("Cast", ["image"], ["image_f"], to=FLOAT))
        source = "image_f"
    nodes += [const("out_shape", out_shape), helper.make_node("Reshape", [source, "out_shape"], ["points"])]
    inputs = [tensor("image", element, image_shape)]
    for extra in extra_inputs:
        # Used, so that no tool prunes it: points are scaled by it.
        nodes[-1] = helper.make_node("Reshape", [source, "out_shape"], ["unscaled"])
        nodes += [helper.make_node("Unsqueeze", [extra, "axis2"], [extra + "_3d"]), const("axis2", [2]),
                  helper.make_node("Mul", ["unscaled", extra + "_3d"], ["points"])]
        nodes.sort(key=lambda n: n.op_type != "Constant")
        inputs.append(tensor(extra, FLOAT, ["batch", 1]))
    out_dims = ["batch" if d == 0 else d for d in out_shape]
    if image_shape[0] != "batch":
        out_dims[0] = image_shape[0]
    return model(name, nodes, inputs, [tensor("points", FLOAT, out_dims)], metadata)


MODELS = {
    "probe": probe,
    "probe_batch1": lambda: probe(batch=1),
    "means2d": means2d,
    "conv": conv,
    # Each of these breaks the contract in one way.
    "no_image": lambda: passthrough("no_image", ["batch", 3, 2, 3], [0, 6, 3], metadata={"robotracer.input.image": "camera"}),
    "image_rank3": lambda: passthrough("image_rank3", ["batch", 3, 6], [0, 6, 3]),
    "image_int64": lambda: passthrough("image_int64", ["batch", 3, 2, 3], [0, 6, 3], element=INT64),
    "output_rank2": lambda: passthrough("output_rank2", ["batch", 3, 2, 3], [0, 18]),
    "output_width4": lambda: passthrough("output_width4", ["batch", 3, 2, 4], [0, 6, 4]),
    "batch4": lambda: passthrough("batch4", [4, 3, 2, 3], [4, 6, 3]),
    "unknown_input": lambda: passthrough("unknown_input", ["batch", 3, 2, 3], [0, 6, 3], extra_inputs=["temperature"]),
}


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    out = argv[1]
    names = argv[2:] or list(MODELS)
    unknown = [n for n in names if n not in MODELS]
    if unknown:
        print(f"unknown model(s): {', '.join(unknown)}; known: {', '.join(MODELS)}", file=sys.stderr)
        return 2
    os.makedirs(out, exist_ok=True)
    written = []
    for name in names:
        path = os.path.join(out, name + ".onnx")
        onnx.save(MODELS[name](), path)
        written.append(path)
        if name.startswith("probe") and os.path.join(out, "vocab.txt") not in written:
            vocab = os.path.join(out, "vocab.txt")
            with open(vocab, "w", encoding="utf-8") as f:
                f.write("\n".join(VOCABULARY) + "\n")
            written.append(vocab)
    print(json.dumps(written))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
