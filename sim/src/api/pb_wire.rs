//! The protobuf wire format's writing side, shared by the OpenAPI v2 protobuf document and
//! the Kubernetes protobuf encoder the tests use.

/// A base-128 varint.
pub fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// A field key: number and wire type.
pub fn key(out: &mut Vec<u8>, num: u32, wire: u64) {
    varint(out, (u64::from(num) << 3) | wire);
}

/// A length-delimited field.
pub fn delimited(out: &mut Vec<u8>, num: u32, b: &[u8]) {
    key(out, num, 2);
    varint(out, b.len() as u64);
    out.extend_from_slice(b);
}
