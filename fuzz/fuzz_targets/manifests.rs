//! The whole manifest-check path (YAML with spans, the walker, every offline check, positions)
//! on any text: never a panic, every range inside the text and ordered, every span inside its
//! document, and the documents with spans agree with the plain parser on their values.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pullspec::k8s::{list_images, validate, CheckOptions};
use pullspec::text::LineIndex;
use pullspec::yaml::{parse_documents_with_spans, parse_yaml_documents, spans::Spans};

fn check_spans(s: &Spans, len: usize) {
    match s {
        Spans::None => {}
        Spans::Scalar(r) => assert!(r.start <= r.end && r.end <= len, "{r:?}"),
        Spans::Seq(r, items) => {
            assert!(r.start <= r.end && r.end <= len, "{r:?}");
            items.iter().for_each(|i| check_spans(i, len));
        }
        Spans::Map(r, entries) => {
            assert!(r.start <= r.end && r.end <= len, "{r:?}");
            for e in entries {
                assert!(e.key_range.start <= e.key_range.end && e.key_range.end <= len);
                check_spans(&e.value, len);
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let index = LineIndex::new(text);
    let last = index.position(text.len());
    let docs = parse_documents_with_spans(text);
    for d in &docs {
        assert!(d.range.start <= d.range.end && d.range.end <= text.len());
        check_spans(&d.spans, text.len());
    }
    // Where the whole stream parses, both parsers give the same values.
    if let Ok(plain) = parse_yaml_documents(text) {
        let spanned: Vec<_> = docs.iter().filter(|d| !d.value.is_null()).map(|d| d.value.clone()).collect();
        assert!(docs.iter().all(|d| d.error.is_none()));
        assert_eq!(plain, spanned);
    }
    let mut options = CheckOptions::default();
    options.set_rule("IMAGE_NOT_PINNED", "hint").unwrap();
    options.allow_registries.push("*.example.com".into());
    for d in validate(text, &options) {
        assert!(d.range.start <= d.range.end, "{d:?}");
        assert!(d.range.end <= last, "{d:?}");
        for f in &d.fixes {
            for e in &f.edits {
                assert!(e.range.start <= e.range.end && e.range.end <= last);
            }
        }
    }
    for u in list_images(text) {
        assert!(u.range.start <= u.range.end && u.range.end <= last);
    }
});
