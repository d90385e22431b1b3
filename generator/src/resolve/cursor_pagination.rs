//! Lowering of `service.cursor_pagination`: the cursor convention shared by every
//! cursor-paginated endpoint, checked.

use super::Resolver;
use crate::diag::{FileId, did_you_mean};
use crate::model::{self, ObjectName, Type};
use crate::raw;

impl Resolver<'_> {
    /// The cursor convention, checked: the cursor field is an optional `string` request field,
    /// the next cursor field a `string` response field.
    pub(super) fn cursor_pagination(
        &mut self,
        file: FileId,
        p: &raw::CursorPagination,
    ) -> model::CursorPagination {
        let request = self.fields(file, &p.request, p.source, &ObjectName::CursorPage);
        let response = self.fields(file, &p.response, p.source, &ObjectName::CursorPage);
        match request.iter().find(|f| f.wire_name == p.cursor_field.value) {
            Some(f) if f.ty == Type::String && !f.required => {}
            Some(f) => {
                self.report
                    .err(
                        file,
                        &p.cursor_field.referenced,
                        format!(
                            "cursor field `{}` must be an optional `string`",
                            f.wire_name
                        ),
                    )
                    .hint = Some(
                    "write it `{ type: string, required: false, ... }`: the first page is asked \
                     for without a cursor"
                        .into(),
                );
            }
            None => {
                let names = p.request.keys().map(|k| k.value.as_str());
                self.report
                    .err(
                        file,
                        &p.cursor_field.referenced,
                        format!(
                            "cursor field `{}` is not one of the cursor_pagination request fields",
                            p.cursor_field.value
                        ),
                    )
                    .hint = did_you_mean(&p.cursor_field.value, names)
                    .or_else(|| Some("declare it under `cursor_pagination.request`".into()));
            }
        }
        match response
            .iter()
            .find(|f| f.wire_name == p.next_cursor_field.value)
        {
            Some(f) if f.ty == Type::String => {}
            Some(f) => {
                self.report
                    .err(
                        file,
                        &p.next_cursor_field.referenced,
                        format!("next cursor field `{}` must be a `string`", f.wire_name),
                    )
                    .hint = Some(
                    "write it `{ type: string, required: false, nullable: true, ... }`; the \
                     listing ends when it is null, \"\" or absent"
                        .into(),
                );
            }
            None => {
                let names = p.response.keys().map(|k| k.value.as_str());
                self.report
                    .err(
                        file,
                        &p.next_cursor_field.referenced,
                        format!(
                            "next cursor field `{}` is not one of the cursor_pagination response fields",
                            p.next_cursor_field.value
                        ),
                    )
                    .hint = did_you_mean(&p.next_cursor_field.value, names)
                    .or_else(|| Some("declare it under `cursor_pagination.response`".into()));
            }
        }
        model::CursorPagination {
            request,
            cursor_field: p.cursor_field.value.clone(),
            next_cursor_field: p.next_cursor_field.value.clone(),
            list_field: p.list_field.clone(),
            response,
            source: p.source,
        }
    }
}
